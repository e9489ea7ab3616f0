"""What a browser tab opens, from its URL's query: `?run=mlp&dataset=spiral&lr=0.1`, `?lesson=NAME`.

A teacher hands out one link and every student's tab opens the same network with the same options.
The query never reaches a shell: each parameter is checked here against what dlsim knows (a network's
name, a lesson's name, that network's options through the same parsing `dlsim run --set` uses) and
turned into one argument of an argv list, which the server quotes. Anything unknown is refused with
one line, before a process starts.
"""
import shlex
import sys
from typing import Iterable

from dlsim.errors import UserError, clip, unknown

# read by the page itself (textual-serve's font size in pixels), not by the app
DISPLAY = ("fontsize",)
# what a tab may open, besides a network's own options (`dlsim list`)
STARTS = ("run", "lesson")


def start_arguments(query: Iterable[tuple[str, str]]) -> list[str]:
    """dlsim's arguments (after `dlsim`) for a tab whose URL query holds these (key, value) pairs,
    in their order; [] (the home screen) for none. Raises UserError for anything not allowed."""
    pairs = [(key, value) for key, value in query if key not in DISPLAY]
    keys = [key for key, _ in pairs]
    for key in set(keys):
        if keys.count(key) > 1:
            raise UserError(f"'{clip(key)}' is given {keys.count(key)} times in the address; give it once")
    given = dict(pairs)
    if "run" in given and "lesson" in given:
        raise UserError("the address gives both run= and lesson=; a tab opens one of them")
    if "lesson" in given:
        if len(given) > 1:
            others = ", ".join(sorted(k for k in given if k != "lesson"))
            raise UserError(f"a lesson sets its own network and options; drop {others} from the address")
        return ["lesson", _lesson(given["lesson"])]
    if "run" not in given:
        if given:
            key = clip(next(iter(given)))
            raise UserError(f"address parameter '{key}' needs run=NETWORK beside it (e.g. ?run=mlp&{key}=…); "
                            "an address may hold run=, lesson=, fontsize= and the network's options "
                            "(see 'dlsim list')")
        return []
    model = _model(given.pop("run"))
    return ["run", model] + [f"--set={key}={value}" for key, value in _options(model, given).items()]


def _model(name: str) -> str:
    from dlsim.models import MODELS
    if name not in MODELS:
        raise unknown("network", name, MODELS)
    return name


def _lesson(name: str) -> str:
    from dlsim.lesson.library import names
    known = names()
    if name not in known:   # a name only: never a path on the server's disk
        raise unknown("lesson", name, known)
    return name


def _options(model: str, given: dict[str, str]) -> dict[str, str]:
    """The options as given, each checked by the network's own parser (a bad value, or a name that is
    not an option of this network, is refused as `dlsim run --set` refuses it)."""
    from dlsim.models import MODELS
    from dlsim.models.options import resolve
    for key, value in given.items():
        if not key.isidentifier() or "\n" in value or "\r" in value:
            raise UserError(f"address parameter '{clip(key)}={clip(value)}' is not an option setting")
    resolve(model, MODELS[model].options, given)
    return given


def tab_command(arguments: list[str]) -> str:
    """The shell command textual-serve runs for a tab: this Python, the tab's process, and `arguments`
    each quoted as one word (textual-serve takes a command string and runs it through a shell, which
    `exec` replaces, so that the process the server holds is the tab's own)."""
    return "exec " + shlex.join([sys.executable, "-m", "dlsim.web.tab", *arguments])
