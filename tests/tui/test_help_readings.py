"""The help's "Reading the screen" entries at 80 columns: a long name ("residual stream") keeps
apart from its text, and a wrapped line stays under its text's column (it fell back to the first
column: "│ kernel slides; white the" under "│   feature map   a = f(Σ window·K + b)…")."""
import io

from rich.console import Console

from dlsim.tui.screens.help import reading_table, readings


class Stream:
    READING = (("residual stream", "each position's vector (a row; a column per feature), what every "
                                   "block adds to it, and the attention's output written into it"),)


class Map:
    READING = (("feature map", "a[i, j] = f(Σ window·K + b) per position, filling in as the kernel slides; "
                               "white the cell being written, green the cells a max-pool window takes"),)


def test_long_names_and_wrapped_lines_keep_their_columns():
    console = Console(width=76, record=True, file=io.StringIO())
    console.print(reading_table(readings([Stream, Map])))
    drawn = console.export_text()
    lines = [line for line in drawn.splitlines() if line.strip()]
    assert len(lines) > 2                                        # the texts did wrap
    assert "a[i, j] = f(" in drawn                               # brackets are text, not markup
    text_column = lines[0].index("each")
    assert lines[0].startswith("  residual stream  ") and text_column > len("  residual stream  ") - 1
    for line in lines:
        if not line.lstrip().startswith(("residual stream", "feature map")):
            assert len(line) - len(line.lstrip()) == text_column, line
