"""`dlsim bench [NET]`: each network's compiled training against NumPy (and PyTorch, when installed),
printed as ratios in one run. A network's bench is a module here named after it (or declaring the
networks it covers in NETS) with `main(net, quick) -> None`; nothing else registers it. Its GPU bench
(`dlsim bench --backend cuda`: the CUDA path against the CPU's fused path) is the module
`<net>_cuda`, found the same way.
"""
import importlib
import pkgutil

from dlsim.errors import UserError


HELPERS = ("timing", "gpu_timing")   # shared by the benches, not benches
SUFFIX = {"cpu": "", "cuda": "_cuda"}   # backend -> the bench modules' name ending


def benches(backend: str = "cpu") -> dict[str, object]:
    """Network name -> the module that benches it on `backend`, in the order `dlsim bench` runs them."""
    found, suffix = {}, SUFFIX[backend]
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name in HELPERS:
            continue
        if info.name.endswith("_cuda") != bool(suffix):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for net in getattr(module, "NETS", (info.name.removesuffix(suffix),)):
            found[net] = module
    from dlsim.models import MODELS
    order = list(MODELS)   # the networks' own order, as `dlsim list` gives it
    return dict(sorted(found.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))


def main(net: str | None = None, quick: bool = False, backend: str = "cpu", cpu_time: bool = False) -> int:
    if backend not in SUFFIX:
        raise UserError(f"--backend {backend}: benches run on {' or '.join(SUFFIX)}")
    from dlsim.kernels import unavailable
    if unavailable(backend):
        raise UserError(unavailable(backend))
    table = benches(backend)
    if net is not None and net not in table:
        on = f" on {backend}" if backend != "cpu" else ""
        raise UserError(f"no bench for '{net}'{on}; choose from: {', '.join(table)}")
    from dlsim.bench import timing
    clock = (timing.clock, timing.pick)
    if cpu_time:
        timing.use_cpu_time()
        print(timing.CPU_TIME_NOTE)
    try:
        for name in ([net] if net else table):
            print(f"\n== {name} ==", flush=True)
            table[name].main(name, quick)
    finally:
        timing.clock, timing.pick = clock   # the next call times as it asks
    return 0
