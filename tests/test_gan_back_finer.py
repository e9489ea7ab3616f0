"""Back at a finer level than the step that got here walks back through that step exactly, for the
GAN too: after a D or G step taken whole, an iteration, a run, op by op back into the update."""
import pytest

from tests import test_back_finer as back_finer

OPTIONS = dict(dataset="ring", samples=16, batch=2, d_hidden=(2,), g_hidden=(3,), d_optimizer="adam",
               g_optimizer="momentum", seed=1)


@pytest.mark.parametrize("level", ["op", "layer"])
@pytest.mark.parametrize("arrival", list(back_finer.ARRIVALS))
def test_back_at_a_finer_level_walks_back_through_a_coarse_gan_step(arrival, level, monkeypatch):
    monkeypatch.setitem(back_finer.MODELS, "gan", ("gan", OPTIONS))
    back_finer.test_back_at_a_finer_level_walks_back_through_a_coarse_step("gan", arrival, level)


def test_back_by_steps_and_iterations_after_compiled_steps_is_exact(monkeypatch):
    monkeypatch.setitem(back_finer.MODELS, "gan", ("gan", OPTIONS))
    back_finer.test_back_by_batches_and_epochs_after_compiled_steps_is_exact("gan")
