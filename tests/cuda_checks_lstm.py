"""The LSTM's CUDA twin (dlsim.kernels.lstm_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py; the checks it shares with the other recurrent
network are in tests/recurrent_cuda_checks.py)."""
import recurrent_cuda_checks as shared
from cuda_checks import rewinds_a_gpu_run_to_the_same_state, steps_on_the_cpu_kernels, trains_like_the_reference
from dlsim.kernels import lstm as cell
from dlsim.kernels import lstm_cuda, lstm_reference

CELL = cell.CELL
OPTIONS = {"dataset": "parity", "length": 3, "hidden": 2, "samples": 4, "test": 2, "batch": 0}


def check_train_epochs_over_the_options():
    shared.train_epochs_agree(lstm_cuda, lstm_reference, CELL)


def check_train_epochs_is_deterministic():
    shared.train_epochs_is_deterministic(lstm_cuda, CELL)


def check_train_epochs_stops_where_the_loss_is_not_finite():
    shared.train_epochs_stops_where_the_loss_is_not_finite(lstm_cuda, lstm_reference, CELL)


def check_outputs():
    shared.outputs_agree(lstm_cuda, lstm_reference, CELL)


def check_trains_like_the_reference():
    trains_like_the_reference("lstm", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("lstm", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("lstm", OPTIONS)


def check_the_bench_times_both_paths():
    """`dlsim bench lstm --backend cuda`'s measurements, on a tiny LSTM (a smoke run)."""
    import dlsim
    from dlsim.bench import gpu_timing
    from dlsim.bench import recurrent_cuda as bench
    from dlsim.kernels import lstm
    m = dlsim.make("lstm", **OPTIONS).model
    (cpu, _), (gpu, step) = bench._rate(lstm, m, 1, 1), bench._rate(lstm_cuda, m, 1, 1)
    line = gpu_timing.row("lstm", cpu, gpu, bench._moved(m), step, 1e12)
    assert line.count("s/s") == 2 and "GB/s" in line and "%" in line, line
