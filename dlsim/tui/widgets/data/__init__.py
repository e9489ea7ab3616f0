"""The data area: points over the decision surface."""
