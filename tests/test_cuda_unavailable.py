"""Without a GPU (or without numba-cuda), asking for the cuda backend is one line saying what is
missing and how to get it, exit code 2 on the command line; never a traceback. (Where a GPU can be
used, these are skipped: tests/test_cuda_kernels.py runs the backend there.)"""
import importlib.util

import pytest

import dlsim
from dlsim.cli import main
from dlsim.errors import UserError
from dlsim.kernels import gpu, unavailable
from dlsim.models import MODELS
from dlsim.models.options import backend

pytestmark = pytest.mark.skipif(unavailable("cuda") is None, reason="the cuda backend can run here")


def test_every_network_says_what_is_missing():
    for name in MODELS:
        with pytest.raises(UserError, match=r"backend 'cuda' needs .*(pip install 'dlsim\[cuda\]'|--backend cpu)"):
            dlsim.make(name, backend="cuda")


def test_the_command_line_says_it_in_one_line_and_exits_2(capsys):
    assert main(["run", "som", "--headless", "--backend", "cuda"]) == 2
    assert main(["bench", "mlp", "--backend", "cuda"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith("dlsim: error: backend 'cuda' needs") for line in err)


def test_without_the_package_it_names_the_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "numba_cuda" else real(name, *a))
    assert gpu.missing.__wrapped__() == ("backend 'cuda' needs the numba-cuda package, which is not "
                                         "installed: pip install 'dlsim[cuda]'")


def test_with_the_package_but_no_gpu_it_says_there_is_no_gpu(monkeypatch):
    from numba import cuda
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "numba_cuda" else real(name, *a))
    monkeypatch.setattr(cuda, "is_available", lambda: False)
    assert "needs an NVIDIA GPU with its driver, and none was found" in gpu.missing.__wrapped__()


def test_the_backend_option_lists_cuda_as_unavailable_with_the_reason():
    option = backend()
    assert "cuda" in option.choices and option.unavailable() == {"cuda": unavailable("cuda")}
    with pytest.raises(UserError, match="backend 'cuda' needs"):
        option.value("cuda")
    assert option.value("numpy") == "numpy"

