"""The task's own picture: the prediction traced over the target (sine and other regressions at every
step), the answer against the truth for a few sequences (memory and counting tasks), or text the
network writes itself, a character at a time (characters)."""
import numpy as np

from dlsim.protocol.numbers import num, row as data_row
from dlsim.tui.widgets import style as st
from dlsim.tui.widgets.braille import Braille
from dlsim.tui.widgets.panel import Cells, Panel, UiState
from dlsim.tui.widgets.timeline.heat import DIM

TARGET, PREDICTION = st.plain(dim=True), st.ink(1, 8, bold=True)
RIGHT, WRONG = st.ink(1, 8), st.ink(-1, 8, bold=True)


class TaskPanel(Panel):
    READING = (("task", "sine: ⠿ the target, bold the prediction ŷ_t; memory tasks: truth → answer ✓/✗;\n"
                        "characters: text the network writes from a prompt"),)

    def rows(self, frame, ui: UiState, width: int, height: int) -> list[Cells]:
        ex = frame.extras
        tr = ex.get("trace")
        if tr and "generated" in tr:
            return self._text(tr["generated"], width, height)
        if tr and "answers" in tr:
            return self._answers(answer_rows(tr["answers"], ex["answer_inputs"], tr["classes"]), width, height)
        if tr:
            return self._curve(tr, width, height)
        return []

    def _curve(self, tr, width, height) -> list[Cells]:
        """Target (dim) and prediction (bright) of output 0 over the steps computed so far."""
        y, pred = tr["y"][:, 0], tr["outputs"][:tr["known"], 0]
        if height < 2 or width < 4:
            return []
        canvas = Braille(width, height - 1)
        dw, dh = canvas.size_dots
        both = np.concatenate([y, pred]) if len(pred) else y
        lo, hi = float(np.min(both)), float(np.max(both))
        span = max(hi - lo, 1e-9)
        T = len(y)

        def xy(values):
            t = np.arange(len(values))
            return t / max(T - 1, 1) * (dw - 1), (hi - values) / span * (dh - 1)
        canvas.polyline(*xy(y), key=0, power=0, dash=2)
        if len(pred):
            canvas.polyline(*xy(pred), key=1, power=1)
        seq = data_row(tr["sequence"])   # the data's row, as the status line's "seq 1/16 #175" names it
        texts = (f"sequence {seq}: ┄ target y_t, ━ prediction ŷ_t", f"{seq}: ┄ target y_t, ━ prediction ŷ_t",
                 f"┄ y_t ━ ŷ_t · seq {seq}", f"┄ y_t ━ ŷ_t · {seq}", "┄ y_t ━ ŷ_t")   # the key first where narrow
        words = st.first_fitting(texts, width)
        out = [[(words, DIM)]]
        styles = {1: PREDICTION, 0: TARGET, -1: TARGET}
        out += [canvas.cells(r, styles) for r in range(height - 1)]   # a row at once, not a call per cell
        return out

    def _answers(self, answers, width, height) -> list[Cells]:
        right = sum(1 for a in answers if a["right"])
        # which sequences the count is of (the first few of the test set, not all: the test accuracy is)
        span = f"{data_row(answers[0]['seq'])}–{data_row(answers[-1]['seq'])}" if answers else ""
        said = (f"test {span}: {right}/{len(answers)} right", f"{span}: {right}/{len(answers)} right",
                f"{right}/{len(answers)} right")   # narrower and narrower, never cut in a word
        out = [[(st.first_fitting(said, width), st.plain(bold=True))]]
        shown = answers[:height - 1]
        marks = max((len(data_row(a["seq"])) for a in shown), default=2)
        # the fullest form whose every line fits beside its mark: never a number cut at the edge
        forms = [[f"{data_row(a['seq']):>{marks}}: truth {a['truth']} → {a['answer']}" for a in shown],
                 [f"{data_row(a['seq']):>{marks}}: {a['truth']} → {a['answer']}" for a in shown],
                 [f"{a['truth']} → {a['answer']}" for a in shown]]
        heads = next((f for f in forms if all(len(head) <= width - 2 for head in f)), forms[-1])
        # the inputs, in a column: as many whole numbers on every line as fit on the longest, and how many more
        n = min((fitting(a["inputs"], width - 4 - max(map(len, heads))) for a in shown), default=0)
        if n:
            heads = [head.ljust(max(map(len, heads))) for head in heads]
        for a, head in zip(shown, heads):
            mark, style = ("✓", RIGHT) if a["right"] else ("✗", WRONG)
            inputs = glimpse(a["inputs"], n)
            out.append([(mark + " ", style), (head + (f"  {inputs}" if inputs else ""), st.plain())])
        return out

    def _text(self, generated, width, height) -> list[Cells]:
        prompt, text, epoch = generated
        quoted = "“" + prompt.replace("\n", "⏎") + "”"
        # the words give way as the panel narrows; the prompt goes to a line of its own, never cut
        words = next((w for w in (f"written after epoch {epoch} from the prompt ", f"after epoch {epoch}, from ",
                                  f"epoch {epoch}: ") if len(w) + len(quoted) <= width), None)
        if words is not None:
            out = [[(words, DIM), (quoted, st.plain(bold=True))]]
        else:
            out = [[(st.first_fitting([f"written after epoch {epoch} from the prompt",
                                       f"after epoch {epoch}, from", f"epoch {epoch}"], width), DIM)]]
            out += [[(quoted[k:k + width], st.plain(bold=True))] for k in range(0, len(quoted), max(1, width))]
        line = ""
        for ch in text:
            if ch == "\n" or len(line) >= width:
                out.append([(line, PREDICTION)])
                line = "" if ch == "\n" else ch
            else:
                line += ch
        out.append([(line, PREDICTION)])
        return out[:height]


def _units(words: str) -> list[str]:
    """The inputs' parts that are shown whole or not at all: each step's number, or the adding
    task's "marked a + b" as one."""
    return [words] if words.startswith("marked ") else words.split(" ")


def glimpse(words: str, n: int) -> str:
    """The first n of the inputs' numbers and how many more there are ("−1.000 0.594 +19 more");
    "" for none."""
    units = _units(words)
    if n <= 0:
        return ""
    more = len(units) - n
    return " ".join(units[:n]) + (f" +{more} more" if more > 0 else "")


def fitting(words: str, width: int) -> int:
    """How many of the inputs' numbers fit in width, whole, with the count of those left out."""
    units = _units(words)
    used = -1
    n = 0
    for k, unit in enumerate(units, 1):
        used += 1 + len(unit)
        more = len(units) - k
        if used + (len(f" +{more} more") if more else 0) <= width:
            n = k
        elif used > width:
            break
    return n


def answer_rows(answers, X, classes: bool) -> list[dict]:
    """The answers list's lines from the model's answers ((sequence, truth, answer, right) each) and
    those sequences' inputs X: the inputs (each step's number, or the adding task's marked two), the
    truth and the answer as text."""
    out = []
    for (s, truth, answer, right), x in zip(answers, X):
        if x.shape[1] == 1:
            inputs = " ".join(num(v) for v in x[:, 0])   # every step's: the panel shows what fits
        else:
            inputs = "marked " + " + ".join(num(v) for v in x[x[:, 1] > 0, 0])
        shown = (str(int(truth)), str(int(answer))) if classes else (num(truth), num(answer))
        out.append({"seq": s, "inputs": inputs, "truth": shown[0], "answer": shown[1], "right": bool(right)})
    return out
