"""`lesson check` refuses a lesson whose network would run past the time budget (one epoch longer
than DLSIM_TIME_BUDGET, ten minutes by default), at the line that asks for it, as `dlsim run` refuses
the same options: in the front matter, at a @set that rebuilds the network, and at a @set of a live
option that makes each epoch longer without a rebuild (a GAN's k)."""
import pytest

from dlsim.cli import main
from tests.test_lessons_check import problems

SOM = "---\ntitle: T\nnetwork: som\n"
GAN = "---\ntitle: T\nnetwork: gan\noptions: samples=100000 batch=100000\n---\n## One\n"


@pytest.fixture(autouse=True)
def default_budget(monkeypatch):
    monkeypatch.delenv("DLSIM_TIME_BUDGET", raising=False)


def test_options_over_the_budget_are_refused_at_their_line(tmp_path):
    found = problems(tmp_path, SOM + "options: rows=200 cols=200 samples=1000000\n---\n## One\n@step 1 epoch\n")
    assert [line for line, _ in found] == [4]
    assert "would take about" in found[0][1] and "over the 10 min limit" in found[0][1]


def test_a_set_that_rebuilds_past_the_budget_is_refused_at_its_line(tmp_path):
    found = problems(tmp_path, SOM + "---\n## One\nText.\n@set rows=200 cols=200 samples=1000000\n@step 1 epoch\n")
    assert [line for line, _ in found] == [7]
    assert "choose fewer samples, rows or cols" in found[0][1]


def test_a_live_option_that_makes_each_epoch_too_long_is_refused(tmp_path, monkeypatch):
    """k=100 D steps of 100,000 points an iteration: estimated at seconds, over a budget of 5 s;
    k=1 is well inside it."""
    monkeypatch.setenv("DLSIM_TIME_BUDGET", "5")
    assert problems(tmp_path, GAN + "@set k=1\n@step 1 epoch\n") == []
    found = problems(tmp_path, GAN + "Text.\n@set k=100\n@step 1 epoch\n")
    assert [line for line, _ in found] == [8]
    assert "one iteration of gan with these options would take" in found[0][1]
    assert "(DLSIM_TIME_BUDGET=5)" in found[0][1]


def test_the_command_says_it_in_one_line_and_exits_2(tmp_path, capsys):
    path = tmp_path / "big.md"
    path.write_text(SOM + "options: rows=200 cols=200 samples=1000000\n---\n## One\n@step 1 epoch\n", encoding="utf-8")
    assert main(["lesson", "check", str(path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0].startswith(f"{path}:4: one epoch of som with these options would take about")
