"""The Elman RNN's view: the shared recurrent view (views/recurrent.py) with its hidden state only."""
from dlsim.tui.views.recurrent import RecurrentView


class RNNView(RecurrentView):
    name = "rnn"
    help_readings = {"gates": None}   # the steps panel's gates are the LSTM's: here only ‖δh_t‖
