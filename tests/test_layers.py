"""Layers import only downward (see the README's layout): a network's files, the protocol and the
stepper never reach up into a consumer, only the app imports textual, the app's views only draw (no
kernels under tui/), and no module imports itself back through others. The test reads every `import`
in dlsim/ — at module level and inside functions alike — and lists the upward ones and the circles."""
import ast
import sys
from pathlib import Path

if __name__ == "__main__":   # as a script: this checkout's dlsim, not one installed elsewhere
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import dlsim  # noqa: E402

ROOT = Path(dlsim.__file__).parent

# lowest first; a module may import its own layer and the ones before it
LAYERS = (
    ("errors", "data_files", "version", "atomic_file"),
    ("kernels",),
    ("protocol",),
    ("models",),
    ("sim",),
    ("lesson",),
    ("console",),
    ("sweeps",),
    ("tui",),
    ("cli", "bench", "web", "__init__", "__main__"),
)
RANK = {name: rank for rank, names in enumerate(LAYERS) for name in names}


def _layer(module: str) -> str:
    """'dlsim.sim.stepper' → 'sim'; 'dlsim' (the package's own __init__) → '__init__'."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in RANK else "__init__"


def _module(path: Path) -> str:
    """dlsim/tui/views/mlp.py → 'dlsim.tui.views.mlp'; dlsim/models/__init__.py → 'dlsim.models'."""
    parts = ("dlsim",) + path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(path): path for path in sorted(ROOT.rglob("*.py"))}


def _imports(path: Path):
    """The modules `path` imports: `from a.b import c` names the module a.b.c where there is one."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(("dlsim",) + path.relative_to(ROOT).with_suffix("").parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:   # relative: from the file's package upwards
                base = ".".join(package.split(".")[:len(package.split(".")) - node.level + 1] + [base]).strip(".")
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base


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


def circles() -> list[list[str]]:
    """Every set of dlsim's modules that import one another round in a circle (strongly connected
    components of the import graph, by Tarjan's algorithm), each as a sorted list of module names."""
    edges = {module: sorted({m for m in _imports(path) if m in MODULES and m != module})
             for module, path in MODULES.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in edges[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            component = []
            while not component or component[-1] != module:
                component.append(stack.pop())
            if len(component) > 1:
                found.append(sorted(component))

    for module in edges:
        if module not in index:
            visit(module)
    return sorted(found)


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


def test_no_module_imports_itself_round_a_circle():
    """A circle means neither module can be read (or loaded) without the other: a recurrent loop that
    knows its cells, a registry that its entries import back."""
    assert circles() == []


def app_files_importing_kernels() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py") if p.relative_to(ROOT).parts[0] == "tui"
                  and any(m == "dlsim.kernels" or m.startswith("dlsim.kernels.") for m in _imports(p)))


def test_the_apps_views_only_draw():
    """Nothing under tui/ imports the kernels: whatever a picture shows, the model computed through
    the kernels that ran (Model.inspect and the model's picture methods); the app asks the model."""
    assert app_files_importing_kernels() == []


if __name__ == "__main__":   # print the graph and any circle: python tests/test_layers.py
    for (a, b), files in sorted(graph().items(), key=lambda kv: (RANK[kv[0][0]], RANK[kv[0][1]])):
        print(f"{a:>10} → {b:<10} {'UP ' if RANK[b] > RANK[a] else '   '}{len(files)}")
    for circle in circles():
        print("circle:", " ↔ ".join(circle))
    for name in app_files_importing_kernels():
        print("draws with kernels:", name)
