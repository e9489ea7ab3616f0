"""What a learner met in the transformer: in a lesson `[` `]` `k` `h` and ↑ ↓ did nothing until Tab or
a click (the lesson opens with nothing focused), and h was taken as an answer letter even where the
question had two choices; the keys panel (Ctrl+P Keys) listed t "train" for every network, w and e
without a heatmap, h with one head and PgUp / PgDn for a heatmap of one matrix; at 80×24 a 16-character
poem's matrix took every row, so its targets and predictions (the token strip) were off screen."""
import pytest

from dlsim.sim import warmup
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.screens.lesson import LessonScreen
from dlsim.tui.widgets.math_panel import MathPanel
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.transformer.attention import AttentionMatrix
from dlsim.tui.widgets.transformer.symbols import shown_symbol

from .conftest import make_app, settle, sim_view, text_of


@pytest.fixture(scope="module", autouse=True)
def warm_transformer():
    warmup.warm("transformer")


def lesson_app(name: str) -> DlsimApp:
    return DlsimApp(prewarm=False, lesson=open_lesson(name))


# --- 1: the transformer's keys in a lesson ----------------------------------------------------------
async def test_the_transformers_keys_work_in_a_lesson_without_tab(data_dir):
    app = lesson_app("transformer-reverse")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LessonScreen) and screen.focused is None   # as a lesson opens
        sim, view = screen.simview.session.sim, screen.simview.view
        await pilot.press("right_square_bracket", "k", "up")
        await settle(pilot)
        assert sim.config["temperature"] == 1.5 and sim.config["top_k"] == 1
        T = sim.inspect()["attention"].shape[-1]
        assert view.pick == (T - 2, 0)                              # ↑ moved the selected cell
        assert f"a[{T - 2},0]" in text_of(screen.query_one(AttentionMatrix))


async def test_an_answer_letter_still_answers_and_h_is_the_simulations_past_the_choices(data_dir):
    app = lesson_app("transformer-reverse")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("n")
        await settle(pilot)
        assert screen.waiting and len(screen.narration.checkpoint.checkpoint.choices) == 2
        await pilot.press("h")              # the 5th letter: no choice of a yes/no question
        await settle(pilot)
        assert screen.waiting
        assert "no other head" in text_of(screen.query_one(MathPanel))   # the simulation's h, said why
        await pilot.press("a")
        await settle(pilot)
        assert not screen.waiting


# --- 2: the keys panel lists what acts on the network in front of the learner ---------------------
@pytest.mark.parametrize("name, options, listed, left_out", [
    ("mlp", {}, {"w", "e", "pagedown", "pageup"}, {"t"}),
    ("gan", {}, {"t"}, set()),
    ("perceptron", {}, {"w", "e"}, {"t", "pagedown", "pageup"}),
    ("transformer", {}, {"h", "k"}, {"t", "w", "e"}),
    ("transformer", {"heads": 1}, {"k"}, {"t", "w", "e", "h"}),
], ids=["mlp", "gan", "perceptron", "transformer", "transformer-one-head"])
async def test_the_keys_panel_lists_only_the_keys_that_act_here(name, options, listed, left_out):
    app = make_app(name, **options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        if app.screen.query(WeightsPanel):
            await pilot.press("w")          # the heatmap's own keys: PgUp / PgDn between matrices
            await settle(pilot)
        keys = set(app.screen.active_bindings)   # what the keys panel (Ctrl+P Keys) lists
        assert listed <= keys and not left_out & keys, (listed - keys, left_out & keys)


async def test_a_key_left_out_of_the_keys_panel_still_says_why_when_pressed():
    app = make_app("mlp")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert "trains as one network" in sim_view(app).ui.notice


# --- 3: a long sequence at 80×24 -------------------------------------------------------------------
def _strip(panel) -> dict[str, str]:
    """The token strip's lines as drawn: name → the characters after it."""
    return {line.split()[0]: "".join(line.split()[1:]) for line in text_of(panel).splitlines()
            if line.split()[:1] in (["tokens"], ["target"], ["predict"])}


@pytest.mark.parametrize("options", [{"dataset": "poems", "length": 16}, {"dataset": "sort", "length": 6}],
                         ids=["poems-16", "sort-6"])
async def test_the_whole_sequence_stays_in_view_at_80x24_while_stepping(options):
    app = make_app("transformer", **options)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AttentionMatrix)
        sim = sim_view(app).session.sim
        shown = sim.inspect()
        strip = _strip(panel)
        assert strip.get("tokens") == "".join(map(shown_symbol, shown["tokens"]))   # whole
        assert "target" in strip and "predict" in strip
        await pilot.press("5", "right")     # an epoch: the predictions computed, the cell's score too
        await settle(pilot)
        assert {"tokens", "target", "predict"} <= set(_strip(panel)) and "next at" in text_of(panel)
        await pilot.press("2", "right", "1", *["right"] * 12)   # the embeddings, then into block 0
        await settle(pilot)
        assert {"tokens", "target"} <= set(_strip(panel)) and "next at" in text_of(panel)
        at = sim.inspect().get("position")
        assert at is not None and at in panel._shown                # the position in hand's row shown


async def test_up_and_down_bring_the_other_queries_into_view_at_80x24():
    app = make_app("transformer", dataset="poems", length=16)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one(AttentionMatrix)
        first = panel._shown
        assert 0 < len(first) < 16 and first.stop == 16            # the last queries, at first
        assert f"q {first.start}–15/16" in str(panel.border_title)
        await pilot.click(AttentionMatrix, offset=(6, 2))   # the first row shown (under the border, the keys)
        await settle(pilot)
        assert sim_view(app).view.pick[0] == first.start
        await pilot.press(*["up"] * 15)
        await settle(pilot)
        assert panel._shown.start == 0 and sim_view(app).view.pick[0] == 0
        assert "a[0," in text_of(panel)
