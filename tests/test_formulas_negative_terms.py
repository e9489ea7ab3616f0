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


def test_dqn_td_error_perceptron_error_and_rbm_update_bracket_a_negative_subtrahend():
    """The same double minus in the DQN's TD error (a target y below zero), the perceptron's error
    (a bipolar output −1) and the RBM's update (a negative statistic)."""
    from dlsim.models import dqn_formulas, perceptron_formulas, rbm_formulas
    td = Event("td_error", "loss", "dqn.sample[0]", {"action": 1, "q": 0.25, "y": -0.5, "error": 0.75,
                                                     "huber": 0.281, "delta": 0.75})
    assert "0.250 − (−0.500) = 0.750" in dqn_formulas.td_error(td)
    wrong = Event("error", "backward", "perceptron.sample[0]", {"target": 1, "output": -1, "error": 2})
    assert "1 − (−1) = 2" in perceptron_formulas.error(wrong)
    update = Event("update", "update", "rbm.W[0,0]", {"optimizer": "sgd", "old": 0.1, "lr": 0.1,
                                                      "positive": 0.5, "negative": -0.25, "batch": 1, "new": 0.175})
    assert "(0.500 − (−0.250))/1" in rbm_formulas.update(update)
    for text in (dqn_formulas.td_error(td), perceptron_formulas.error(wrong), rbm_formulas.update(update)):
        assert "− −" not in text, text
