"""The class probabilities of the image in hand, and the test set's confusion matrix with some of the
images the network gets wrong: as many of the three as fit, the rest on further pages (click or PgDn)."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.image.kernels import KernelsPanel, kernel_page, tile_layout
from dlsim.tui.widgets.image.paging import Paged
from dlsim.tui.widgets.image.pixels import grey, picture, side_by_side
from dlsim.tui.widgets.image.stage import mono_of
from dlsim.tui.widgets.panel import Cells, UiState

SECTIONS = ("probabilities", "confusion matrix", "misclassified")


class ClassesPanel(Paged):
    READING = (("probabilities", "softmax output for the image in hand, a bar per class; ✓ marks its true class"),
               ("confusion", "test images by true class (rows) and predicted class (columns); the diagonal is right;\n"
                             "where the panel is short it is a page of its own, as are the misclassified images:\n"
                             "click or PgDn for the next page"))

    def __init__(self, view, **kw):
        super().__init__(view, **kw)
        self._section = None     # (what it shows, the misclassified section's lines)
        self._drawn: dict = {}   # (test row, no colour, its pixels) → the image's cells
        self._turned_to = None   # the section a lesson's step turned to (CNNView.lesson_section)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "maps" not in ex:
            return []
        names = ex["names"]
        sections = [("probabilities", self._probabilities(ex, names, width, height))]
        if "confusion" in ex:
            sections.append(("confusion matrix", self._confusion(ex, names, width)))
            if len(ex["misclassified"]):
                sections.append(("misclassified", self._misclassified(ex, names, width, height)))
        if not self._kernels_shown():   # beside a lesson at 80×24: the kernels are pages here
            fit = tile_layout(ex, width, height, mono_of(self))
            for page in range(-(-ex["kernels"].shape[0] // fit.per_page)):
                which, lines = kernel_page(ex, fit, page, width)
                sections.append((f"kernels {which}", lines))
        pages = _pages(sections, height)
        self.pages = len(pages)
        wanted = getattr(self.view, "lesson_section", None)
        if wanted != self._turned_to:   # once, as the step opens: PgDn turns on from there
            self._turned_to = wanted
            self.page = next((i for i, (titles, _) in enumerate(pages) if wanted in titles), self.page)
        self.page %= self.pages
        titles, lines = pages[self.page]
        self.set_titles(self.paged_title("class probabilities · test set", " · ".join(titles), width))
        return lines[:height]

    def _kernels_shown(self) -> bool:
        """Whether the kernels panel is on screen (a lesson at 80×24 hides it and its row)."""
        for panel in self.screen.query(KernelsPanel):
            return all(node.display for node in panel.ancestors_with_self if hasattr(node, "display"))
        return True

    @staticmethod
    def _probabilities(ex, names, width, height) -> list[Cells]:
        probs, label = ex.get("probs"), ex["label"]
        if probs is None:
            texts = (f"#{ex['sample']} ({names[label]}): softmax not reached yet", f"#{ex['sample']}: softmax not reached yet",
                     f"#{ex['sample']}: no softmax yet")
            return [[(st.first_fitting(texts, width), st.plain(dim=True))]]
        n = len(names)
        halves = 2 if n > 4 and n + n + 5 > height else 1   # two columns of classes when rows are short
        col_w = (width - 2 * (halves - 1)) // halves
        name_w = min(max(len(name) for name in names), 10)
        # every number whole and the bars in line: the widest number (0.0000851 is 9 wide) sets the column
        written = [num(p) for p in probs]
        num_w = max(len(text) for text in written)
        bar_w = max(1, min(24, col_w - name_w - num_w - 5))
        best = int(np.argmax(probs))
        cells = []
        for k, (name, p) in enumerate(zip(names, probs)):
            full = int(round(float(p) * bar_w))
            style = st.ink(1 if k == label else -1, 8 if k == best else 4)
            cells.append([(name[:name_w].rjust(name_w) + " ", st.plain(bold=k == label)),
                          ("█" * full, style), ("·" * (bar_w - full), st.plain(dim=True)),
                          (f" {written[k].rjust(num_w)}" + (" ✓" if k == label else "  "), st.plain(bold=k == best))])
        per = -(-n // halves)
        out: list[Cells] = []
        for r in range(per):
            row: Cells = []
            for h in range(halves):
                if h * per + r < n:
                    row.extend(cells[h * per + r] + [("  ", None)])
            out.append(row)
        return out

    @staticmethod
    def _confusion(ex, names, width) -> list[Cells]:
        matrix = ex["confusion"]
        n = len(names)
        cell = max(3, len(str(int(matrix.max()))) + 1)
        head = [f"test acc {num(ex['accuracy'])}; ", "true ↓ predicted →"]   # as the epoch line writes it
        head = ["".join(head)] if len("".join(head)) <= width else [text.strip("; ") for text in head]
        out: list[Cells] = [[(text[:width], st.plain(dim=True))] for text in head]
        need = 4 + cell * n
        if need > width:   # one line, never cut in a word: the shortest form still says how wide
            said = (f"(the {n}×{n} matrix needs {need} columns: a wider terminal shows it)",
                    f"(a {n}×{n} matrix needs {need} columns)", f"(the matrix needs {need} columns)",
                    f"(needs {need} columns)", f"({need} columns)")
            return out + [[(st.first_fitting(said, width), st.plain(dim=True))]]
        top = max(int(matrix.max()), 1)
        out.append([("    ", None)] + [(str(k)[:cell - 1].rjust(cell), st.plain(dim=True)) for k in range(n)])
        for r in range(n):
            row: Cells = [(f"{str(r)[:2]:>2}  ", st.plain(dim=True))]
            for c in range(n):
                v = int(matrix[r, c])
                style = st.cell(1 if r == c else -1, st.strength(v, top)) if v else st.plain(dim=True)
                row.append(((str(v) if v else "·").rjust(cell), style))
            out.append(row)
        return out

    def _misclassified(self, ex, names, width, height) -> list[Cells]:
        """The images the network gets wrong with its guesses, drawn again only when they change."""
        key = (tuple(ex["misclassified"][:len(ex["wrong_images"])].tolist()), tuple(ex["misclassified_as"].tolist()),
               len(ex["misclassified"]), ex["wrong_images"].tobytes(), width, height, mono_of(self), tuple(names))
        if self._section is None or self._section[0] != key:
            self._section = (key, self._draw_misclassified(ex, names, width, height))
        return self._section[1]

    def _draw_misclassified(self, ex, names, width, height) -> list[Cells]:
        wrong = ex["misclassified"]
        out: list[Cells] = [[(line, st.plain(dim=True))] for line in heading(len(wrong), names, width)]
        tiles = []
        mono = mono_of(self)
        for row, guessed, image in zip(wrong, ex["misclassified_as"], ex["wrong_images"]):
            guess = str(int(guessed)) if guessed >= 0 else "tie"   # whole in any tile; the key names it
            key = (int(row), mono, image.tobytes())
            if key not in self._drawn:   # a test image's picture never changes: drawn once
                self._drawn[key] = picture(grey(image), {}, 1, mono, image.mean(axis=0))
            tiles.append((f"→{guess}", self._drawn[key]))
        rows: list[Cells] = []
        while tiles:   # as many rows of tiles as the panel holds
            row = side_by_side(tiles, width, gap=1)
            if not row or len(out) + len(rows) + len(row) > height:
                break
            rows.extend(row)
            tiles = tiles[len([1 for text, _ in row[0] if text.strip()]):]
        return out + rows


def heading(wrong: int, names, width: int) -> list[str]:
    """'46 misclassified, the first: →0 horizontal, →1 vertical': what a tile's '→1' means (the
    class it guessed, numbered as the confusion matrix numbers them) on the heading's line where it
    fits, shortened to '46 misclassified; …', else on lines of its own."""
    key = class_key(names, max(width, 1) * len(names) + 99)
    head = f"{wrong} misclassified" + (", the first:" if wrong > 1 else ":")
    if not key:
        return [head]
    for line in (f"{head} {key[0]}", f"{wrong} misclassified; {key[0]}"):
        if len(line) <= width:
            return [line]
    return [head] + class_key(names, width)


def class_key(names, width: int) -> list[str]:
    """'→0 horizontal, →1 vertical': the class a tile's '→k' guessed, wrapped at a class, never
    inside a name (a tile is as wide as its image: 'horizontal' would not fit in it). None where
    the names are the numbers (digits)."""
    if all(name == str(k) for k, name in enumerate(names)):
        return []
    lines: list[str] = []
    for k, name in enumerate(names):
        part = f"→{k} {name}"
        if lines and len(lines[-1]) + 2 + len(part) <= width:
            lines[-1] += f", {part}"
        else:
            lines.append(part)
    return lines


def _pages(sections: list[tuple[str, list[Cells]]], height: int) -> list[tuple[list[str], list[Cells]]]:
    """The sections in order, as many on a page as fit (a blank line between two on one page); a
    section taller than the page is cut to it."""
    pages: list[tuple[list[str], list[Cells]]] = []
    for name, lines in sections:
        lines = lines[:height]
        if pages and len(pages[-1][1]) + 1 + len(lines) <= height:
            pages[-1][0].append(name)
            pages[-1][1].extend([[]] + lines)
        else:
            pages.append(([name], list(lines)))
    return pages
