"""What the GPU benches share: timing a call that ends in a copy back to the host (so the device
has finished), the device's name and peak memory bandwidth, and one table row."""
import statistics
import time


def seconds(call, repeats: int) -> float:
    """Median wall seconds of `call()` over `repeats` calls, after one untimed call (compilation)."""
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def device() -> tuple[str, float | None]:
    """(the GPU's name, its peak memory bandwidth in bytes/s, or None where the driver does not say)."""
    from numba import cuda
    if not hasattr(cuda, "get_current_device"):   # Numba's CUDA simulator: no device to describe
        return "the CUDA simulator (no GPU: figures mean nothing)", None
    dev = cuda.get_current_device()
    name = dev.name.decode() if isinstance(dev.name, bytes) else str(dev.name)
    try:   # double data rate: two transfers per clock over the bus
        return name, 2.0 * dev.MEMORY_CLOCK_RATE * 1e3 * dev.GLOBAL_MEMORY_BUS_WIDTH / 8
    except Exception:
        return name, None


def header() -> str:
    return (f"{'config':<30} {'cpu fused':>14} {'gpu':>14} {'speed-up':>9}   {'gpu bandwidth':>22}")


def row(label: str, cpu_rate: float, gpu_rate: float, moved: float | None, gpu_seconds: float,
        peak: float | None) -> str:
    """Samples/s on each side, the ratio, and the bytes the GPU must move over its time (of the peak)."""
    band = "—"
    if moved:
        achieved = moved / gpu_seconds
        band = f"{achieved / 1e9:.1f} GB/s" + (f" ({achieved / peak:.1%})" if peak else "")
    return (f"{label:<30} {cpu_rate:>10,.0f} s/s {gpu_rate:>10,.0f} s/s {gpu_rate / cpu_rate:>8.1f}×   "
            f"{band:>22}")
