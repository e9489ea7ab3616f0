"""A difference whose second term is negative reads as arithmetic, not as a double minus: the RBF's
distance to a centre at −2.410 was written '(−2.450 − −2.410)²' in the math panel."""
import dlsim
from dlsim.models import rbf_formulas, som_formulas
from dlsim.protocol.events import Event, Level
from dlsim.sim.formulas import describe


def _first(sim, op: str, when=lambda e: True, most: int = 5000):
    for _ in range(most):
        event = sim.step(Level.OP)
        if event.op == op and when(event):
            return event
    raise AssertionError(f"no {op} event")


def test_rbf_distance_and_loss_put_a_negative_subtrahend_in_brackets():
    sim = dlsim.make("rbf", seed=0)
    distance = _first(sim, "distance", lambda e: any(c < 0 for c in e.values["c"]))
    text = describe(distance)
    assert "− −" not in text and "(−" in text, text
    loss = Event("loss", "loss", "rbf.sample[3]", {"yhat": 0.197, "target": -0.408, "loss": 0.366,
                                                    "batch_loss": 0.366})
    text = rbf_formulas.loss(loss)
    assert "− −" not in text and "(0.197 − (−0.408))²" in text, text


def test_som_distance_puts_a_negative_weight_in_brackets():
    event = Event("distance", "forward", "som.node[0,0]",
                  {"x": (0.5, 0.25), "w": (-0.25, 0.5), "squares": (0.5625, 0.0625), "d2": 0.625,
                   "distance": 0.790569})
    text = som_formulas.distance(event)
    assert "− −" not in text and "(0.500 − (−0.250))²" in text, text
