"""The network area: the graph of neurons and the weight heatmaps with their inspector."""
