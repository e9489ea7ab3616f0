"""After a run, the test set's confusion matrix a frame shows is the one the run's last evaluation
computed on the same weights (the same forward pass, bit for bit): the run worker's frame does not
predict the test set a second time. Weights changed since are predicted again."""
import numpy as np

import dlsim


def _counting_predict(monkeypatch, model) -> list:
    calls = []
    real = model.kernels.cnn.predict

    def counted(*args):
        calls.append(1)
        return real(*args)
    monkeypatch.setattr(model.kernels.cnn, "predict", counted)
    return calls


def test_the_confusion_after_a_run_is_the_evaluations_without_predicting_again(monkeypatch):
    sim = dlsim.make("cnn", seed=1, image=16, samples=20, test=30)
    sim.train(epochs=1)   # (the first run also evaluates the weights it started from, for the watchdog)
    sim.train(epochs=2)
    calls = _counting_predict(monkeypatch, sim.model)
    shown = sim.model.test_confusion()
    assert calls == []
    fresh = dlsim.make("cnn", seed=1, image=16, samples=20, test=30)
    fresh.model.theta[...] = sim.model.theta
    again = fresh.model.test_confusion()   # predicted from scratch
    assert np.array_equal(shown.matrix, again.matrix) and np.array_equal(shown.predicted, again.predicted)
    assert shown.accuracy == again.accuracy == sim.history[-1]["test_acc"]


def test_new_weights_are_predicted_again(monkeypatch):
    sim = dlsim.make("cnn", seed=1, samples=20, test=30)
    sim.train(epochs=1)
    sim.train(epochs=1)
    calls = _counting_predict(monkeypatch, sim.model)
    sim.step("op")
    sim.model.test_confusion()
    assert calls == []                    # an op changes no weight
    sim.set_param("layer[0].b", 0.5, (0,))
    sim.model.test_confusion()
    assert calls == [1]
