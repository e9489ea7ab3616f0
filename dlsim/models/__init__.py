"""The networks dlsim can simulate, by name."""
from dlsim.errors import unknown
from dlsim.models.ae import AE
from dlsim.models.base import Model
from dlsim.models.cnn import CNN
from dlsim.models.dbn import DBN
from dlsim.models.diffusion import Diffusion
from dlsim.models.dqn import DQN
from dlsim.models.gan import GAN
from dlsim.models.mlp import MLP
from dlsim.models.lstm import LSTM
from dlsim.models.perceptron import Perceptron
from dlsim.models.qlearn import QLearn
from dlsim.models.rbf import RBF
from dlsim.models.rbm import RBM
from dlsim.models.rnn import RNN
from dlsim.models.som import SOM
from dlsim.models.transformer import Transformer
from dlsim.models.vae import VAE

MODELS: dict[str, type[Model]] = {m.name: m for m in (
    Perceptron, MLP, SOM, CNN, RNN, LSTM, GAN, AE, RBF, VAE, RBM, DBN, Transformer, Diffusion, QLearn, DQN,
)}


def model_class(name: str) -> type[Model]:
    if not isinstance(name, str) or name not in MODELS:
        raise unknown("model", name, MODELS)
    return MODELS[name]
