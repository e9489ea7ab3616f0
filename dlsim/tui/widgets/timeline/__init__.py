"""Widgets for networks unrolled in time (the RNN, the LSTM): one column per time step."""
