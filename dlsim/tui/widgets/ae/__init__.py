"""The autoencoder's panels: the input beside its reconstruction (with the first layer's weights as
image tiles), and the code plane."""
