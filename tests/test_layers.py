"""Layers import only downward (see the README's layout): a network's files, the protocol and the
stepper never reach up into a consumer, and only the app imports textual. The test reads every
`import` in dlsim/ — at module level and inside functions alike — and lists the upward ones."""
import ast
from pathlib import Path

import dlsim

ROOT = Path(dlsim.__file__).parent

# lowest first; a module may import its own layer and the ones before it
LAYERS = (
    ("errors", "data_files", "version"),
    ("kernels",),
    ("protocol",),
    ("models",),
    ("sim",),
    ("lesson",),
    ("console",),
    ("tui",),
    ("cli", "bench", "__init__", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _layer(module: str) -> str:
    """'dlsim.sim.stepper' → 'sim'; 'dlsim' (the package's own __init__) → '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else "__init__"


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("dlsim",) + path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:   # relative: from the file's package upwards
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + [base]).strip(".")
            if base == "dlsim":   # from dlsim import x: the module dlsim.x (or a name of the API)
                yield from (f"dlsim.{alias.name}" for alias in node.names)
            else:
                yield base


def graph() -> dict[tuple[str, str], list[str]]:
    """(from layer, to layer) → the files making that arrow, for every import inside dlsim."""
    arrows: dict[tuple[str, str], list[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT)
        source = _layer("dlsim." + ".".join(rel.with_suffix("").parts))
        for module in _imports(path):
            if module == "dlsim" or module.startswith("dlsim."):
                arrows.setdefault((source, _layer(module)), []).append(str(rel))
    return arrows


def upward(arrows) -> list[str]:
    return [f"{a} → {b} ({', '.join(sorted(set(files)))})" for (a, b), files in sorted(arrows.items())
            if RANK[b] > RANK[a]]


def test_every_module_belongs_to_a_layer():
    assert {a for pair in graph() for a in pair} <= set(RANK)


def test_no_layer_imports_a_layer_above_it():
    assert upward(graph()) == []


def test_only_the_app_imports_textual():
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                 if p.relative_to(ROOT).parts[0] != "tui"
                 and any(m.split(".")[0] == "textual" for m in _imports(p))]
    assert offenders == []


if __name__ == "__main__":   # print the graph: python tests/test_layers.py
    for (a, b), files in sorted(graph().items(), key=lambda kv: (RANK[kv[0][0]], RANK[kv[0][1]])):
        print(f"{a:>9} → {b:<9} {'UP ' if RANK[b] > RANK[a] else '   '}{len(files)}")
