"""The RBF network's own picture: the units over the data (fit_plot): each scaled Gaussian and their
sum over the sine, or the decision surface with the centres marked over 2-D points."""
