"""The command line's saved sessions: `dlsim run … --save FILE` (a headless run saves where it ended,
Ctrl+C included), `dlsim open FILE` (the app at the saved state; `--headless --epochs N` trains on),
and `dlsim run CONFIG` (a configuration string in place of the network's name).

The work is dlsim.sim.session_file's and dlsim.sim.config_string's; this module only says it.
"""
import sys

from dlsim.errors import UserError
from dlsim.protocol.numbers import count, counted
from dlsim.sim import config_string, session_file


class SaveAtEnd:
    """Where a headless run saves its session when it ends. Checked when made, before any training:
    a file already there is refused at once (without --overwrite), not after an hour's run."""

    def __init__(self, path: str, overwrite: bool):
        self.path = session_file.refuse_overwrite(path, overwrite)
        self.overwrite = overwrite

    def __call__(self, sim) -> str:
        """Save; the line saying so (the caller prints it)."""
        session_file.save(sim, self.path, overwrite=self.overwrite)
        return f"session: saved to {self.path} (dlsim open {_quoted(self.path)} goes on from there)"

    def interrupted(self, sim) -> str:
        """Save after Ctrl+C: what to add to the line saying where the run stopped."""
        try:
            session_file.save(sim, self.path, overwrite=self.overwrite)
        except UserError as error:
            return f"; session not saved: {error}"
        return f"; session saved to {self.path}"


def save_at_end(path: str | None, overwrite: bool) -> SaveAtEnd | None:
    return None if path is None else SaveAtEnd(path, overwrite)


def network_and_options(model: str, options: dict) -> tuple[str, dict]:
    """`dlsim run NAME` or `dlsim run CONFIG` (mlp:dataset=spiral,lr=0.1): the network, and the
    options of the string with --set's (the same option given differently in both is refused)."""
    if ":" not in model:
        return model, options
    network, given = config_string.parse_config(model)
    from dlsim.models import MODELS
    from dlsim.models.options import resolve
    for name, value in options.items():
        if name in given and resolve(network, MODELS[network].options, {name: value})[name] != given[name]:
            raise UserError(f"the configuration string and the option {name}={value} disagree; give {name} once")
    return network, {**given, **options}


def open_session(args, open_in_app) -> int:
    """`dlsim open FILE`: the app at the saved state (`open_in_app(sim)`, given by the CLI: nothing
    here imports the app), or with --headless, training on from there."""
    if args.overwrite and args.save is None:   # a flag is never ignored
        raise UserError("--overwrite goes with --save FILE (the file it may replace)")
    save = save_at_end(args.save, args.overwrite)
    if not args.headless:
        if args.epochs is not None or args.steps is not None or save is not None:
            raise UserError("--epochs, --steps and --save need --headless (in the app, S saves)")
    from dlsim.console.run import compiling_message, feedback
    with feedback(compiling_message()):
        sim = session_file.load(args.file)
    print(f"dlsim: opened {args.file}: {describe(sim)}", file=sys.stderr)
    if not args.headless:
        return open_in_app(sim)
    from dlsim.console.run import run_headless
    return run_headless(sim.name, seed=sim.config["seed"], options={}, epochs=args.epochs, steps=args.steps,
                        trace=None, save=save, opened=sim)


def describe(sim) -> str:
    """Where a session stands, in a few words: its configuration string and how far it ran."""
    return f"{config_string.format_config(sim.name, sim.config)}, {where(sim)}"


def where(sim) -> str:
    """Where the run stands, in the status line's counting (places from 1, counts with separators)."""
    c, word = sim.cursor, sim.model.epoch_word
    done = counted(c.epoch, word) + " done"
    if (c.batch, c.sample, c.op) == (0, 0, 0):
        return done
    return f"{done}; inside the next: update {count(c.batch + 1)}, sample {count(c.sample + 1)}, op {count(c.op)}"


def _quoted(path: str) -> str:
    import shlex
    return shlex.quote(path)
