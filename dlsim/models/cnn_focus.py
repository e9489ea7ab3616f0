"""Where the CNN's last event stands: the conv layer, kernel and cell it is about, how far that layer's
maps are filled in, and the arithmetic of the kernel position in hand, all read from the events (the
numbers the kernels used; nothing is computed again here).
"""
import re
from dataclasses import dataclass

from dlsim.protocol.events import Level

# cnn.layer[l].kernel[f].pos[r,c] (a kernel position), .a[r,c] (a map cell), .pool[r,c] (a pooled cell,
# or a cell of the pooled map a δ reaches from the layer above), .b, .pool (a whole pooled map's δ)
PLACE = re.compile(r"layer\[(\d+)\](?:\.kernel\[(\d+)\](?:\.(pos|a|pool)\[(\d+),(\d+)\]|\.(b|pool))?)?")
FORWARD_PASSES = {"conv": 0, "activation": 0, "pool": 1}   # the kernel's pass over the map, the pool's
BACKWARD_OPS = ("pool_back", "mask", "dK", "db", "below", "unflatten")


@dataclass(frozen=True)
class Focus:
    """What the last event is about, for the pictures: conv layer `layer`, its kernel `kernel`, the
    position or cell `cell` (row, column) where it names one; `inside` while a sample is stepped
    (the maps are the model's workspace, filling in); `progress` (pass, kernel, cell) while a
    forward pass of that layer is under way (pass 0: the kernel sliding, 1: the pooling)."""
    layer: int = 0
    kernel: int = 0
    cell: tuple[int, int] | None = None
    op: str | None = None
    phase: str | None = None
    inside: bool = False
    progress: tuple[int, int, tuple[int, int]] | None = None

    @property
    def backward(self) -> bool:
        """Whether the δ maps are what the event changed (the backward pass through a conv layer)."""
        return self.inside and self.op in BACKWARD_OPS


def focus(last, n_conv: int, stepping: bool) -> Focus:
    """The conv layer, kernel and cell `last` is about (a dense layer's event: the last conv layer;
    an event closing a sample or more: the first layer's first kernel). `stepping`: a sample's
    maps are in the model's workspace (one has been stepped)."""
    if last is None:
        return Focus()
    op, phase = last.op, last.phase
    if last.closes >= Level.SAMPLE:
        return Focus(op=op, phase=phase)
    inside = stepping
    match = PLACE.search(last.path)
    if not match:
        return Focus(op=op, phase=phase, inside=inside)
    l = int(match.group(1))
    if l >= n_conv:
        return Focus(n_conv - 1, op=op, phase=phase, inside=inside)
    f = int(match.group(2) or 0)
    cell = (int(match.group(4)), int(match.group(5))) if match.group(4) is not None else None
    progress = (FORWARD_PASSES[op], f, cell) if inside and op in FORWARD_PASSES and cell else None
    return Focus(l, f, cell, op, phase, inside, progress)


def kernel_in(path: str | None) -> tuple[int, int] | None:
    """(conv layer, kernel) that an event's path names, if it names a kernel."""
    match = PLACE.search(path or "")
    if not match or match.group(2) is None:
        return None
    return int(match.group(1)), int(match.group(2))


def arithmetic(last, trace) -> dict | None:
    """The kernel position in hand, as its events gave it: a conv (window, weights, products, sum,
    bias, z) with the activation that followed, or a dK (window, δ, ∂K so far)."""
    if last is None:
        return None
    if last.op in ("conv", "dK"):
        return dict(last.values, op=last.op)
    if last.op == "activation" and "kernel[" in last.path and trace:
        conv = trace.get(("conv", last.path.replace(".a[", ".pos[")))
        if conv is not None:
            return dict(conv.values, op="conv", a=last.values["a"], fn=last.values["fn"])
    return None
