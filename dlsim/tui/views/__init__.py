"""Each network's view, by model name. A network without one is listed on the home screen as not
yet viewable in the app (it still runs headless)."""
from dlsim.tui.views.base import NetworkView
from dlsim.tui.views.cnn import CNNView
from dlsim.tui.views.lstm import LSTMView
from dlsim.tui.views.gan import GANView
from dlsim.tui.views.mlp import MLPView
from dlsim.tui.views.perceptron import PerceptronView
from dlsim.tui.views.rnn import RNNView
from dlsim.tui.views.som import SOMView

VIEWS: dict[str, type[NetworkView]] = {v.name: v for v in (PerceptronView, MLPView, SOMView, CNNView, RNNView, LSTMView, GANView)}


def view_for(name: str) -> type[NetworkView] | None:
    return VIEWS.get(name)
