"""The transformer's own pictures: each head's attention matrix with the token strip and the
next-token distribution under it (attention, next_token), and the residual stream (stream)."""
