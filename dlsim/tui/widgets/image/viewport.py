"""Where the CNN's pictures are larger than their panel (a 28×28 image at 80×24): the part of each
shown, a window that follows what the learner looks at (the kernel's position, the chosen cell): the
map's cells around it, the input's cells under the kernel there, the pooled cell it feeds, each
picture as tall as the room and as wide as its share. Shrinking a picture would merge pixels (a
stroke would read wrong); a window keeps every pixel the kernel reads as it is."""
from dataclasses import dataclass


def span(n: int, room: int, focus: int) -> range:
    """`room` of n indices (all where they fit), `focus` among them, as near the middle as it goes."""
    room = max(1, min(n, room))
    focus = min(max(focus, 0), n - 1)
    first = max(0, min(n - room, focus - room // 2))
    return range(first, first + room)


def reads(cells: int, size: int, stride: int) -> int:
    """How many input cells `cells` neighbouring map cells read (a kernel of `size` at `stride`)."""
    return (cells - 1) * stride + size


@dataclass(frozen=True)
class Window:
    """The rows and columns shown of each picture: the input's, the feature map's (and its δs'),
    the pooled map's; `whole`: the input's shape, for the title."""
    input: tuple[range, range]
    map: tuple[range, range]
    pooled: tuple[range, range]
    whole: tuple[int, int]

    def of(self, which: str) -> tuple[range, range]:
        return {"input": self.input, "map": self.map, "pooled": self.pooled}[which]

    def cuts(self) -> bool:
        """Whether the input is shown in part."""
        (rows, cols), (h, w) = self.input, self.whole
        return len(rows) < h or len(cols) < w

    def titles(self) -> tuple[str, ...]:
        """The stage's title forms where part of the image is shown: which rows and columns of it."""
        (rows, cols), (h, w) = self.input, self.whole
        r, c = f"{rows.start}–{rows.stop - 1}", f"{cols.start}–{cols.stop - 1}"
        return (f"image · kernel · map · pooled: rows {r}, columns {c} of the {h}×{w} image (Tab, ↑ ↓ ⇧← ⇧→: move)",
                f"rows {r}, columns {c} of the {h}×{w} image (Tab, ↑ ↓ ⇧← ⇧→: move)",
                f"rows {r}, cols {c} of {h}×{w} (Tab, arrows: move)",
                f"rows {r}, cols {c} of {h}×{w}", f"r{r} c{c} of {h}×{w}")


def window(facts, in_shape: tuple[int, int], map_shape: tuple[int, int], pooled_shape: tuple[int, int],
           rows: int, map_cols: int, centre: tuple[int, int]) -> Window:
    """`rows` pixel rows of each picture (all where it has fewer) and `map_cols` columns of the map,
    as many of the input as they read, half as many of the pooled map: each around its own place of
    `centre` (a map cell): the input's cells under the kernel there, the pooled cell it feeds."""
    k, stride, pad = facts.size, facts.stride, facts.pad
    under = tuple(c * stride - pad + k // 2 for c in centre)   # the kernel's middle cell in the input
    in_cols, pooled_cols = reads(map_cols, k, stride), -(-map_cols // 2)
    return Window((span(in_shape[0], rows, under[0]), span(in_shape[1], in_cols, under[1])),
                  (span(map_shape[0], rows, centre[0]), span(map_shape[1], map_cols, centre[1])),
                  (span(pooled_shape[0], rows, centre[0] // 2), span(pooled_shape[1], pooled_cols, centre[1] // 2)),
                  in_shape)


def largest(fits, n: int) -> int:
    """The largest m in 1..n with fits(m) (true up to some m, false beyond), else 1: by halving,
    a handful of tries a frame at any map size."""
    low, high = 1, n          # fits(low) assumed; the answer lies in low..high
    if fits(high):
        return high
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low


def centre(where, picked, map_shape: tuple[int, int], focused: bool) -> tuple[int, int]:
    """The map cell a window is centred on: the chosen cell (`picked`) while the stage has the keys
    (`focused`: ↑ ↓ ⇧← ⇧→ move it and the window follows), else the kernel's position or pool window
    in hand (`where`, the focused event), else the chosen cell, else the map's middle."""
    chosen = None
    if picked is not None:
        which, r, c = picked
        chosen = (2 * r, 2 * c) if which == "pooled" else (r, c)
    if chosen is not None and (focused or where.cell is None):
        return chosen
    if where.cell is not None:
        r, c = where.cell
        return (2 * r, 2 * c) if where.op in ("pool", "pool_back") else (r, c)
    return chosen or (map_shape[0] // 2, map_shape[1] // 2)
