"""The DBN on a GPU: its stages are the RBM's and the MLP's, whose CUDA twins (dlsim.kernels.rbm_cuda,
mlp_cuda) its fused path runs through a pre-training epoch and a fine-tuning one, against the NumPy
reference; a rewound GPU run replays to the same state; stepping runs the CPU's kernels. Run by
tests/test_cuda_kernels.py (see tests/cuda_checks.py)."""
from cuda_checks import rewinds_a_gpu_run_to_the_same_state, steps_on_the_cpu_kernels, trains_like_the_reference

OPTIONS = {"layers": (3,), "pretrain": 1, "samples": 7, "test": 2, "batch": 3}   # epoch 1: the RBM; 2: fine-tuning
STACKED = {"layers": (4, 3), "pretrain": 1, "samples": 7, "test": 2, "batch": 3, "method": "pcd", "k": 2,
           "optimizer": "adam", "lr": 0.05, "finetune_lr": 0.05}   # epoch 2: the second layer on the first's


def check_trains_like_the_reference():
    trains_like_the_reference("dbn", OPTIONS)
    trains_like_the_reference("dbn", STACKED)


def check_rewinds_a_gpu_run_to_the_same_state():
    rewinds_a_gpu_run_to_the_same_state("dbn", OPTIONS)


def check_steps_on_the_cpu_kernels():
    steps_on_the_cpu_kernels("dbn", STACKED)
