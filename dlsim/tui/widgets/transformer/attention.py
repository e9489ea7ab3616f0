"""One head's attention matrix, tokens × tokens: row i is query i's softmax over the keys, each cell
its weight as a shade and its number (.87 is 0.87; NO_COLOR keeps glyph and number), a masked key
as ─, a weight not computed yet as ·. The query in hand is marked ▶; one cell is selected (↑ ↓ ⇧←
⇧→ or a click) and read out below with its score before the softmax; `h` pages through the heads.
Under it the token strip (the sequence, what each position should predict and what it predicts),
the next-token distribution at the position in hand (next_token.py), then the other heads, as many
as fit. Every number is the model's (Transformer.inspect); the view picks the head and the cell,
and its body binds the keys (views/transformer.py), so they work whichever panel has focus."""
import numpy as np

from dlsim.protocol.numbers import num
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.transformer import next_token
from dlsim.tui.widgets.transformer.stream import ResidualStream, window
from dlsim.tui.widgets.transformer.symbols import shown_symbol

SHADES = " ░▒▓█"
PICKED = st.plain(bold=True, reverse=True)
DIM = st.plain(dim=True)
LABEL = 4   # a row's label: "▶ 7 " (the query's mark and its token)
MIN_ROWS = 3   # a matrix's rows kept where the panel is short, before the lines under it


def weight_text(a: float, width: int) -> str:
    """A weight in `width` characters: a shade and .87 (1.0 for one) where there is room."""
    if not np.isfinite(a):
        return ("─" if a == -np.inf else "·").rjust(width)
    shade = SHADES[min(4, int(a * 4 + 0.5))]
    number = "1.0" if a >= 0.995 else f".{int(round(a * 100)):02d}"
    if width >= 4:
        return (shade + number).rjust(width)
    if width == 3:
        return number
    return (shade * width)[:width]


class AttentionMatrix(Panel):
    READING = (("attention",
                "one head's attention: row i is query i's softmax over the keys (columns); .87 = 0.87 and "
                "its shade, ─ a masked later key, · not computed yet; ▶ the query in hand; the title's peak: "
                "the mean of the rows' largest weights (1: each query on one key); h: next head · "
                "↑ ↓ ⇧← ⇧→ or a click select a cell, read out below. Under the token strip, the next-token "
                "probabilities at the position in hand; [ ] cooler / hotter, k top-k: the distribution the "
                "next token is drawn from (T temperature)"),)
    can_focus = True
    _shown = range(0)   # the query rows shown (a click's row is counted from the first)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        if "attention" not in ex or width < 8:
            return []
        A = ex["attention"]
        L, H, T, _ = A.shape
        block, head = self.view.shown_head(ex)
        in_hand = ex.get("query")
        qi, kj = self.view.picked_cell(T)
        hand = in_hand[2] if in_hand else None
        at = hand if hand is not None else ex.get("position")
        readout = self._readout(ex, block, head, qi, kj, width)
        strip = self._strip(ex, at, width)
        below = len(readout) + len(strip) + 1 + ("generated" in ex)   # the next token (and a poem's text)
        shown = self._window(T, height - 1 - below, height, qi if self.view.pick is not None or at is None else at)
        self._shown = shown
        peak = ex["peak"][block, head] if "peak" in ex else None
        self.set_titles(self._titles_for(block, head, L, H, shown, T, peak), "columns: keys · rows: queries")
        out = self._matrix(ex, block, head, in_hand, (qi, kj), width, shown)
        out += readout + strip
        out += next_token.rows(ex, at if at is not None else T - 1, width, height - len(out))
        for k in range(1, L * H):   # the other heads, as many as fit below
            other = divmod((block * H + head + k) % (L * H), H)
            if height - len(out) < T + 2:
                break
            out.append([(f"{'block ' + str(other[0]) + ' · ' if L > 1 else ''}head {other[1] + 1}/{H}"[:width],
                         st.plain(bold=True))])
            out += self._matrix(ex, *other, in_hand, None, width)
        return out[:height]

    @staticmethod
    def _window(T: int, room: int, height: int, focus: int) -> range:
        """The queries' rows shown: all of them where they fit above the readout, the token strip and
        a line of the next token; else as many as fit (at least half the panel, where it is so short
        that the rest would leave the matrix a row or two), around `focus` (the selected cell's query
        where the learner chose one, else the position in hand, else the last query). ↑ ↓ move the rest in:
        a 16-character poem at 80×24 keeps its strip (tokens, targets, predictions) in view."""
        if room >= T:
            return range(T)
        return window(T, max(room, MIN_ROWS, (height - 1) // 2), focus)

    @staticmethod
    def _titles_for(block: int, head: int, L: int, H: int, shown: range, T: int,
                    peak: float | None = None) -> tuple[str, ...]:
        """The title's forms, fullest first: the head, how sharp it is (its peak: the mean of its rows'
        largest weights), h where there is another, and where only some queries are shown, which
        ("q 4–13/16"): the key to the other heads stays, the name and then the peak give way."""
        where = f"block {block} · " if L > 1 else ""
        key = " · h: next" if L * H > 1 else ""   # one head: no other to page to
        rows = f" · q {shown.start}–{shown.stop - 1}/{T}" if len(shown) < T else ""
        sharp = [f" · peak {num(peak)}", ""] if peak is not None else [""]
        forms = [f"{name} · {where}head {head + 1}/{H}{p}{key}{rows}" for p in sharp for name in ("attention", "attn")]
        if rows:   # where it is narrow, the rows shown before the word head
            forms += [f"attn · {where}{head + 1}/{H}{key}{rows}", f"{where}{head + 1}/{H}{key}{rows}"]
        return tuple(forms)

    @staticmethod
    def _readout(ex, block, head, qi, kj, width) -> list[Cells]:
        """The selected cell: its weight and its score before the softmax, on one line where it fits,
        else on two (a number is never cut)."""
        a, s, tokens = ex["attention"][block, head, qi, kj], ex["scores"][block, head, qi, kj], ex["tokens"]
        what = "masked (−∞ before the softmax)" if np.isneginf(s) else (
            "not computed yet" if not np.isfinite(a) else f"{num(a, 4)}  (score {num(s)})")
        q, k = shown_symbol(tokens[qi]), shown_symbol(tokens[kj])
        cell = f"a[{qi},{kj}] q '{q}' k '{k}':"
        for line in (f"{cell} {what}", f"a[{qi},{kj}] '{q}'→'{k}': {what.replace('  ', ' ')}"):
            if len(line) <= width:   # the shorter form where the panel is narrow: a row for the matrix
                return [[(line, st.plain())]]
        return [[(cell[:width], st.plain())], [(f"  {what}"[:width], st.plain())]]

    @staticmethod
    def _matrix(ex, block, head, in_hand, picked, width, shown: range | None = None) -> list[Cells]:
        """The keys' tokens over one head's rows of weights (the query in hand marked ▶): the rows
        `shown`, all by default."""
        A, S, tokens = ex["attention"], ex["scores"], ex["tokens"]
        T = A.shape[-1]
        hand = in_hand[2] if in_hand and tuple(in_hand[:2]) == (block, head) else None
        per = max(1, min(5, (width - LABEL) // max(T, 1)))
        out: list[Cells] = [[(" " * LABEL, None)] + [(shown_symbol(tokens[j]).rjust(per), DIM) for j in range(T)]]
        masked = np.isneginf(S[block, head])
        for i in range(T) if shown is None else shown:
            label = ("▶" if i == hand else " ") + shown_symbol(tokens[i]).rjust(2) + " "
            line: Cells = [(label, PICKED if i == hand else DIM)]
            for j in range(T):
                a = -np.inf if masked[i, j] else A[block, head, i, j]
                style = PICKED if (i, j) == picked else (DIM if not np.isfinite(a) else st.cell(1, st.strength(a, 1.0)))
                line.append((weight_text(a, per), style))
            out.append(line)
        return out

    @staticmethod
    def _strip(ex, at, width) -> list[Cells]:
        """The tokens (the one in hand reversed), the targets and the predictions, a character each."""
        lines = []
        # a character and a space each where they fit, else side by side: a sequence longer than
        # half the line (a 20-character poem at 80 columns) still shows whole
        gap = " " if 8 + 2 * len(ex["tokens"]) <= width + 1 else ""
        for name, text in (("tokens", ex["tokens"]), ("target", ex["targets"]), ("predict", ex.get("predicted"))):
            if text is None:
                continue
            cells: Cells = [(f"{name:<8}", DIM)]
            for k, ch in enumerate(text[:max(0, (width - 8 + len(gap)) // (1 + len(gap)))]):
                cells.append((shown_symbol(ch) + gap, PICKED if k == at and name == "tokens" else st.plain()))
            lines.append(cells)
        return lines

    # --- choosing ------------------------------------------------------------------------------------
    def _redraw(self) -> None:
        if self.frame is not None:
            self._rebuild()
        for stream in self.screen.query(ResidualStream):   # its window of positions follows the selection
            if stream.frame is not None:
                stream._rebuild()

    def action_move(self, di: int, dj: int) -> None:
        ex = self.frame.extras if self.frame is not None else {}
        if "attention" in ex:
            T = ex["attention"].shape[-1]
            i, j = self.view.picked_cell(T)
            self.view.pick = (max(0, min(T - 1, i + di)), max(0, min(T - 1, j + dj)))
            self._redraw()

    def action_next_head(self) -> str | None:
        """The next head (of the next block after the last); what a learner should know when there is
        no other."""
        ex = self.frame.extras if self.frame is not None else {}
        if "attention" in ex:
            L, H = ex["attention"].shape[:2]
            if L * H == 1:
                return "one head in one block: h has no other head to show (the option heads sets more)"
            block, head = self.view.shown_head(ex)
            k = (block * H + head + 1) % (L * H)
            self.view.head = divmod(k, H)
            self._redraw()
        return None

    def on_click(self, event) -> None:
        offset = event.get_content_offset(self)
        ex = self.frame.extras if self.frame is not None else {}
        if offset is None or "attention" not in ex:
            return
        x, y = offset
        T = ex["attention"].shape[-1]
        per = max(1, min(5, (self.size.width - LABEL) // max(T, 1)))
        i, j = y - 1 + self._shown.start, (x - LABEL) // per
        if 0 <= y - 1 < len(self._shown) and 0 <= i < T and 0 <= j < T and x >= LABEL:
            self.view.pick = (i, j)
            self._redraw()
