"""The residual stream picture while stepping ops: a block's output row is on screen as soon as the op
that wrote it is (pre-norm: the residual2 sum; post-norm: the layer norm after it), not one op late."""
import numpy as np
import pytest

import dlsim

TINY = dict(length=2, d_model=8, heads=2, mlp=4, samples=10, test=4, batch=4, seed=3)


@pytest.mark.parametrize("norm, writer", [("pre", "residual2"), ("post", "ln2")])
def test_a_blocks_output_row_shows_with_the_op_that_wrote_it(norm, writer):
    sim = dlsim.make("transformer", norm=norm, layers=2, **TINY)
    seen = 0
    for _ in range(400):
        e = sim.step("op")
        if f".{writer}[" not in e.path or e.phase != "forward":
            continue
        l, t = int(e.path.split("block[")[1][0]), int(e.values["t"])
        shown = sim.inspect()["residual"][l + 1, t]
        written = e.values["sum"] if writer == "residual2" else e.values["y"]
        np.testing.assert_allclose(shown, written, rtol=1e-6, atol=1e-6)
        seen += 1
    assert seen >= 4
