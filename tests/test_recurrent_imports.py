"""The recurrent family's kernels import in one direction: each cell (rnn, lstm and their references
and GPU twins) imports the shared recurrent modules, which take the cell as an argument and import no
cell, so a new cell (a GRU) would add its own files and touch none of them. Read from the sources'
import statements, at module level and inside functions alike."""
import ast
from pathlib import Path

import dlsim

KERNELS = Path(dlsim.__file__).parent / "kernels"
SHARED = ("recurrent", "recurrent_reference", "recurrent_cuda")
CELLS = ("rnn", "lstm")


def imports(module: str) -> set[str]:
    """The dlsim.kernels modules `module` imports."""
    found = set()
    for node in ast.walk(ast.parse((KERNELS / f"{module}.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "dlsim.kernels":
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dlsim.kernels."):
            found.add(node.module.split(".")[2])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[2] for a in node.names if a.name.startswith("dlsim.kernels.")}
    return {name for name in found if (KERNELS / f"{name}.py").exists()}


def test_the_shared_recurrent_modules_import_no_cell():
    for module in SHARED:
        cells = {name for name in imports(module) if name.split("_")[0] in CELLS}
        assert cells == set(), f"{module} imports {cells}"


def test_no_kernel_module_reaches_itself_through_its_imports():
    graph = {p.stem: imports(p.stem) for p in KERNELS.glob("*.py")}
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            name = todo.pop()
            assert name != start, f"{start} imports itself through {sorted(seen)}"
            if name not in seen:
                seen.add(name)
                todo.extend(graph.get(name, ()))
