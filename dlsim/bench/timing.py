"""What every bench shares: a robust per-step time, PyTorch when it is installed, one table row."""
import statistics
import time


# What a figure is: the median wall clock of the calls, or (`dlsim bench --cpu-time`) the least CPU
# time of the timing thread, which other processes on a shared machine hardly move. Every contender
# (dlsim, NumPy, PyTorch on one thread) runs in that thread, so the ratios compare like with like.
clock, pick = time.perf_counter, statistics.median
CPU_TIME_NOTE = "figures: the least CPU time of the timing thread over the calls (not the median wall clock)"


def use_cpu_time() -> None:
    global clock, pick
    clock, pick = time.thread_time, min


def median_us(step, seconds: float = 0.5, least: int = 5) -> float:
    """µs of `step()` over at least `least` calls and `seconds` (after one untimed call): their
    median wall clock, or their least CPU time (use_cpu_time)."""
    step()
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < least:
        start = clock()
        step()
        times.append((clock() - start) * 1e6)
    return pick(times)


def torch():
    """PyTorch, limited to one thread (as the Numba kernels are), or None when not installed."""
    try:
        import torch as module
    except ImportError:
        return None
    module.set_num_threads(1)
    return module


def row(label: str, fused: float, numpy: float, torch_us: float | None, width: int = 24) -> str:
    """One line: dlsim's time, NumPy's and PyTorch's, and how many times faster dlsim is."""
    torch_text = f"{torch_us:>10.1f}   {torch_us / fused:>6.1f}×" if torch_us else f"{'—':>10}   {'—':>7}"
    return f"{label:<{width}} {fused:>10.1f}   {numpy:>10.1f}   {numpy / fused:>6.1f}×   {torch_text}"


def header(width: int = 24, unit: str = "µs") -> str:
    return (f"{'config':<{width}} {'dlsim ' + unit:>10}   {'numpy ' + unit:>10}   {'vs numpy':>7}   "
            f"{'torch ' + unit:>10}   {'vs torch':>7}")
