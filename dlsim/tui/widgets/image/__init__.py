"""Images, kernels and feature maps drawn in cells: half-block pixels, numbers, side by side."""
