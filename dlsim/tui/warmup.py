"""Moved to dlsim.sim.warmup: the warm-up drives a Simulator and asks its model, never a view.

Only views/mlp.py and views/gan.py still import it from here, to choose their kernels; once their
pictures come from the model (Model.inspect, Model.kernels_now) nothing does, and this file goes.
"""
from dlsim.sim.warmup import begin, compiling, is_warm, warm  # noqa: F401
