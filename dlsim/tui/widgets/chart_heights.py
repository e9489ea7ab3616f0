"""How the curves panel's rows are shared among its charts. Evenly where every chart then gets a
plot row under its legend; where the panel is shorter than that (a DBN's four charts in six rows
at 80×24 drew four legends and two one-row plots, or none), the charts still being measured (a value
at the newest epoch) get legend and plot, at least PLOTTED rows each, and the others keep their
legend line alone, with its last values: a learner sees the curve of the stage under way."""

PLOTTED = 3   # a legend and two plot rows: a curve's rise and fall over 8 braille dots, its top and bottom labelled


def chart_heights(live: list[bool], height: int) -> list[int]:
    """Each chart's rows, in the charts' order; `live`: whether each has a value at the newest epoch
    (before the first, none has: the first charts then get the plots)."""
    n = len(live)
    even = [height // n + (1 if k < height % n else 0) for k in range(n)]
    plotted = (height - n) // (PLOTTED - 1)   # charts that can have PLOTTED rows, the rest one each
    if not n or min(even) >= 2 or plotted < 1:
        return even
    chosen = sorted(sorted(range(n), key=lambda k: (not live[k], k))[:plotted])
    rows = height - (n - plotted)
    heights = [1] * n
    for j, k in enumerate(chosen):
        heights[k] = rows // plotted + (1 if j < rows % plotted else 0)
    return heights
