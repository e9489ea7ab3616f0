"""The transformer's own pictures: each head's attention matrix with the token strip (attention),
and the residual stream with the output distribution (stream)."""
