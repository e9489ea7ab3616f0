"""Each network's view, found through its model's name: the NetworkView subclass named `name` in
dlsim/tui/views/<name>.py, and its own styles in <name>.tcss beside it. Registering a network is its
one line in dlsim/models/__init__.py; nothing here lists networks. A network without a view module
is listed on the home screen as not yet viewable in the app (it still runs headless)."""
import importlib
from functools import cache
from pathlib import Path

from dlsim.models import MODELS
from dlsim.tui.views.base import NetworkView

HERE = Path(__file__).resolve().parent


@cache
def view_for(name: str) -> type[NetworkView] | None:
    """The view of network `name` (its module imported on first asking), or None if it has none."""
    if name not in MODELS:
        return None
    module_name = f"{__name__}.{name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:   # the view is there but something it needs is not
            raise
        return None
    found = [v for v in vars(module).values()
             if isinstance(v, type) and issubclass(v, NetworkView) and v.name == name]
    return found[0] if found else None


def views() -> dict[str, type[NetworkView]]:
    """Every network's view by name, in the registry's order; networks without one left out."""
    return {name: view for name in MODELS if (view := view_for(name)) is not None}


def stylesheets() -> list[Path]:
    """The stylesheets of the networks' views that have their own (views/<name>.tcss), in the
    registry's order: the app reads them after its shared one (dlsim/tui/dlsim.tcss)."""
    return [HERE / f"{name}.tcss" for name in MODELS if (HERE / f"{name}.tcss").is_file()]

