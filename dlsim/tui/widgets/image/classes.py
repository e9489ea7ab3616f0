"""The class probabilities of the image in hand, and the test set's confusion matrix with some of the
images the network gets wrong."""
import numpy as np

from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.image.pixels import grey, picture, side_by_side
from dlsim.tui.widgets.image.stage import mono_of
from dlsim.tui.widgets.panel import Cells, Panel, UiState


class ClassesPanel(Panel):
    READING = (("probabilities", "softmax output for the image in hand, a bar per class; ✓ marks its true class"),
               ("confusion", "test images by true class (rows) and predicted class (columns); the diagonal is right"))

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "maps" not in ex:
            return []
        names, probs, label = ex["names"], ex.get("probs"), ex["label"]
        if probs is None:
            return [[(f"#{ex['sample']} ({names[label]}): softmax not reached yet"[:width],
                      st.plain(dim=True))]] + self._confusion(ex, names, width, height - 1)
        n = len(names)
        halves = 2 if n > 4 and n + n + 5 > height else 1   # two columns of classes when rows are short
        col_w = (width - 2 * (halves - 1)) // halves
        name_w = min(max(len(name) for name in names), 10)
        bar_w = max(4, min(24, col_w - name_w - 10))
        best = int(np.argmax(probs))
        cells = []
        for k, (name, p) in enumerate(zip(names, probs)):
            full = int(round(float(p) * bar_w))
            style = st.ink(1 if k == label else -1, 8 if k == best else 4)
            cells.append([(name[:name_w].rjust(name_w) + " ", st.plain(bold=k == label)),
                          ("█" * full, style), ("·" * (bar_w - full), st.plain(dim=True)),
                          (f" {float(p):.3f}" + (" ✓" if k == label else "  "), st.plain(bold=k == best))])
        per = -(-n // halves)
        out: list[Cells] = []
        for r in range(per):
            row: Cells = []
            for h in range(halves):
                if h * per + r < n:
                    row.extend(cells[h * per + r] + [("  ", None)])
            out.append(row)
        if len(out) + 3 <= height:
            out.extend(self._confusion(ex, names, width, height - len(out)))
        return out[:height]

    def _confusion(self, ex, names, width, room) -> list[Cells]:
        mono = mono_of(self)
        if "confusion" not in ex or room < 2:
            return []
        matrix = ex["confusion"]
        n = len(names)
        cell = max(3, len(str(int(matrix.max()))) + 1)
        out: list[Cells] = [[], [(f"test: {ex['accuracy'] * 100:.1f} % right; true ↓ predicted →"[:width],
                                  st.plain(dim=True))]]
        if 4 + cell * n > width or n + 3 > room:
            return out
        top = max(int(matrix.max()), 1)
        out.append([("    ", None)] + [(str(k)[:cell - 1].rjust(cell), st.plain(dim=True)) for k in range(n)])
        for r in range(n):
            row: Cells = [(f"{str(r)[:2]:>2}  ", st.plain(dim=True))]
            for c in range(n):
                v = int(matrix[r, c])
                style = st.cell(1 if r == c else -1, st.strength(v, top)) if v else st.plain(dim=True)
                row.append(((str(v) if v else "·").rjust(cell), style))
            out.append(row)
        wrong = ex["misclassified"]
        if len(wrong) and len(out) + 3 < room:
            out.append([(f"{len(wrong)} misclassified" + (", the first:" if len(wrong) > 1 else ":"),
                         st.plain(dim=True))])
            tiles = []
            for guessed, image in zip(ex["misclassified_as"], ex["wrong_images"]):
                guess = names[guessed] if guessed >= 0 else "tie"
                tiles.append((f"→{guess[:6]}", picture(grey(image), {}, 1, mono, image.mean(axis=0))))
            out.extend(side_by_side(tiles, width, gap=1)[:room - len(out)])
        return out
