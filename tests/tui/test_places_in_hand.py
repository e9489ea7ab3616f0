"""Places count from 1 (the README's rule): before anything of an epoch or a batch is in hand, the
status line says what comes next ('next sample 1/4'), never 'sample 0/4' — the same way for every
network, at 120 and 80 columns."""
import re

import dlsim
from dlsim.protocol.events import Level
from dlsim.tui.session import Session
from dlsim.tui.views import view_for
from dlsim.tui.widgets.panel import UiState
from dlsim.tui.widgets.status_bar import StatusBar

ZERO = re.compile(r"\b0/\d")


def status_line(session, width=120) -> str:
    view = view_for(session.name)(session)
    frame = session.frame(view.extras)
    return "".join(text for text, _ in StatusBar(view).rows(frame, UiState(), width, 1)[0])


def test_a_fresh_perceptron_says_its_next_sample_not_sample_0():
    session = Session(dlsim.make("perceptron", seed=0, dataset="and"))
    for width in (120, 80):
        line = status_line(session, width)
        assert "next sample 1/4" in line and not ZERO.search(line) and "#" not in line, line
    session.step(Level.SAMPLE)
    line = status_line(session)
    assert re.search(r" sample 1/4 #\d", line) and "next" not in line, line


def test_a_recurrent_batch_done_says_the_next_batch_not_seq_0():
    session = Session(dlsim.make("rnn", seed=0, hidden=8, samples=8, test=6, batch=4))
    assert "next batch 1/2" in status_line(session), status_line(session)
    session.step(Level.BATCH)
    for width in (120, 80):
        line = status_line(session, width)
        assert "next batch 2/2" in line and not ZERO.search(line), line
