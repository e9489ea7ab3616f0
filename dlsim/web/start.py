"""What a browser tab opens, from its URL's query: `?run=mlp&dataset=spiral&lr=0.1`, `?lesson=NAME`,
`?config=STRING` (the configuration string the app shows).

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


def start_arguments(query: Iterable[tuple[str, str]]) -> list[str]:
    """dlsim's arguments (after `dlsim`) for a tab whose URL query holds these (key, value) pairs,
    in their order; [] (the home screen) for none. Raises UserError for anything not allowed."""
    query = list(query)
    keys = [key for key, _ in query]   # every parameter once, the page's own (fontsize) too
    for key in set(keys):
        if keys.count(key) > 1:
            raise UserError(f"'{clip(key)}' is given {keys.count(key)} times in the address; give it once")
    given = {key: value for key, value in query if key not in DISPLAY}
    starts = [key for key in given if key in STARTS]
    if len(starts) > 1:
        raise UserError(f"the address gives both {starts[0]}= and {starts[1]}=; a tab opens one of them")
    if not starts:
        if given:
            key = clip(next(iter(given)))
            raise UserError(f"address parameter '{key}' needs run=NETWORK beside it (e.g. ?run=mlp&{key}=…); "
                            f"an address may hold {', '.join(f'{k}=' for k in (*STARTS, *DISPLAY))} and "
                            "the network's options (see 'dlsim list')")
        return []
    return STARTS[starts[0]](given.pop(starts[0]), given)


def _run(name: str, options: dict[str, str]) -> list[str]:
    """`?run=NET&option=value…`: `dlsim run NET --set option=value …`, each option checked by the
    network's own parser (a bad value, or a name that is not an option of this network, is refused
    as `dlsim run --set` refuses it)."""
    from dlsim.models import MODELS
    from dlsim.models.options import resolve
    if name not in MODELS:
        raise unknown("network", name, MODELS)
    for key, value in options.items():
        if not key.isidentifier() or "\n" in value or "\r" in value:
            raise UserError(f"address parameter '{clip(key)}={clip(value)}' is not an option setting")
    resolve(name, MODELS[name].options, options)
    return ["run", name] + [f"--set={key}={value}" for key, value in options.items()]


def _lesson(name: str, others: dict[str, str]) -> list[str]:
    """`?lesson=NAME`: `dlsim lesson NAME`, a shipped lesson's name only (never a path on the server)."""
    from dlsim.lesson.library import names
    if others:
        raise UserError(f"a lesson sets its own network and options; drop {', '.join(sorted(others))} "
                        "from the address")
    known = names()
    if name not in known:
        raise unknown("lesson", name, known)
    return ["lesson", name]


def _config(text: str, others: dict[str, str]) -> list[str]:
    """`?config=mlp:dataset=spiral,seed=3`: the one-line configuration string the app shows (a
    network, its data, seed and options), checked whole before a process starts."""
    from dlsim.sim.config_string import parse_config
    if others:
        raise UserError("a configuration string holds every option; drop "
                        f"{', '.join(sorted(others))} from the address")
    if "data" in parse_config(text)[1]:   # a file of this machine's, named by whoever holds the link
        raise UserError("an address does not open a data file (data=…); open your own data in the app, "
                        "or with dlsim run … --data FILE")
    return ["run", text]


# what a tab may open: the address's key -> its command's arguments, from that key's value and the
# address's other parameters (a new way to start is one entry)
STARTS = {"run": _run, "lesson": _lesson, "config": _config}


def tab_command(arguments: list[str]) -> str:
    """The shell command textual-serve runs for a tab: this Python, the tab's process, and `arguments`
    each quoted as one word (textual-serve takes a command string and runs it through a shell, which
    `exec` replaces, so that the process the server holds is the tab's own)."""
    return "exec " + shlex.join([sys.executable, "-m", "dlsim.web.tab", *arguments])
