"""The RNN's CUDA twin (dlsim.kernels.rnn_cuda) against the NumPy reference: run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py; the checks it shares with the other recurrent
network are in tests/recurrent_cuda_checks.py)."""
import recurrent_cuda_checks as shared
from cuda_checks import rewinds_a_gpu_run_to_the_same_state, steps_on_the_cpu_kernels, trains_like_the_reference
from dlsim.kernels import rnn as cell
from dlsim.kernels import rnn_cuda, rnn_reference

CELL = cell.CELL
OPTIONS = {"dataset": "parity", "length": 3, "hidden": 2, "samples": 4, "test": 2, "batch": 0}


def check_train_epochs_over_the_options():
    shared.train_epochs_agree(rnn_cuda, rnn_reference, CELL)


def check_train_epochs_is_deterministic():
    shared.train_epochs_is_deterministic(rnn_cuda, CELL)


def check_train_epochs_stops_where_the_loss_is_not_finite():
    shared.train_epochs_stops_where_the_loss_is_not_finite(rnn_cuda, rnn_reference, CELL)


def check_outputs():
    shared.outputs_agree(rnn_cuda, rnn_reference, CELL)


def check_trains_like_the_reference():
    trains_like_the_reference("rnn", OPTIONS)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("rnn", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("rnn", OPTIONS)
