"""The app asks before it starts a configuration estimated past the time budget.

Building one raises TooLong (dlsim.sim.time_budget). The screen says so with the estimate, and the
same request made again — Enter in the form once more, the network opened again — is the learner's
yes: the simulation is then built with `force` (and keeps it: its reset is not asked again).
"""
from dlsim.sim.time_budget import TooLong

AGAIN = "; apply it again to start it anyway"
AGAIN_OPEN = "; open it again to start it anyway"
ASK = "Start it anyway? [y/N] "


class Asked(str):
    """A refusal that is a question: the same request again answers it (the options form stops there)."""


class AskFirst:
    def __init__(self):
        self.asked = None   # the request refused with a question, until another request comes

    def attempt(self, request, build, again: str = AGAIN):
        """build(force) for `request` (anything comparable); a first TooLong becomes an Asked
        refusal (raised as a TooLong carrying it), the same request right after is built forced."""
        forced, self.asked = self.asked == request, None
        try:
            return build(forced)
        except TooLong as error:
            self.asked = request
            raise TooLong(Asked(_in_app(str(error)) + again)) from None


def _in_app(message: str) -> str:
    """The refusal's words without the command line's ways round it."""
    return message.split(", or lift the limit with")[0]


def ask_on_the_terminal(error: TooLong, ask=input) -> bool:
    """`dlsim run NET` opening the app: the question before the screen switches to it (a terminal
    is what the app needs anyway); anything but yes, or no terminal to ask on, refuses."""
    import sys
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return False
    print(f"dlsim: {_in_app(str(error))}.", file=sys.stderr)
    try:
        return ask(ASK).strip().lower() in ("y", "yes")
    except EOFError:
        return False
