"""dlsim's version: the one place it is written (pyproject.toml reads it from here). A module of its
own, below every layer, so that the kernel cache's key, a trace's header and `dlsim --version` can
all say it without importing the package's __init__ from below."""
__version__ = "0.1.0"
