"""The RBM's panel: the chain of the sample in hand, the model's samples, pattern completion and the
hidden units' receptive fields, as images."""
