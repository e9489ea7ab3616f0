"""`dlsim bench [NET]`: each network's compiled training against NumPy (and PyTorch, when installed),
printed as ratios in one run. A network's bench is a module here named after it (or declaring the
networks it covers in NETS) with `main(net, quick) -> None`; nothing else registers it.
"""
import importlib
import pkgutil

from dlsim.errors import UserError


def benches() -> dict[str, object]:
    """Network name -> the module that benches it, in the order `dlsim bench` runs them."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "timing":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for net in getattr(module, "NETS", (info.name,)):
            found[net] = module
    order = ("perceptron", "mlp", "som", "cnn", "rnn", "lstm", "gan")
    return dict(sorted(found.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))


def main(net: str | None = None, quick: bool = False) -> int:
    table = benches()
    if net is not None and net not in table:
        raise UserError(f"no bench for '{net}'; choose from: {', '.join(table)}")
    for name in ([net] if net else table):
        print(f"\n== {name} ==", flush=True)
        table[name].main(name, quick)
    return 0
