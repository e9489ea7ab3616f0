"""The x axis's last epoch written into a chart's corner (the curves', a lesson's sweep's)."""


def put_tail(rows: list, start: int, tail: str, style) -> None:
    """`tail` written over the plot's bottom right end, or where fewer dots lie, its bottom left end,
    then its top right, then its top left end (`rows[0]` is the legend): a falling loss ends along
    the bottom row, and a mean |TD error| that falls to 0 runs along all of it, so the label hid
    the newest points, label and line over each other ("epoch 26,889" over the curve's last columns)."""
    bottom, top = len(rows) - 1, 1
    n = len(tail)
    if len(rows[bottom]) - start < n:
        rows[bottom] = rows[bottom][:start] + [(tail[:max(0, len(rows[bottom]) - start)], style)]
        return
    inked = lambda cells: sum(1 for text, _ in cells if text.strip())
    corners = [(bottom, len(rows[bottom]) - n), (bottom, start), (top, len(rows[top]) - n), (top, start)]
    r, at = min(corners, key=lambda corner: inked(rows[corner[0]][corner[1]:corner[1] + n]))
    rows[r] = rows[r][:at] + [(tail, style)] + rows[r][at + n:]
