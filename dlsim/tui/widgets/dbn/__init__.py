"""The DBN's panel: the RBM's pictures while the first layer pre-trains, and what the stages above
have to show (no images: their inputs are the layer below's probabilities)."""
