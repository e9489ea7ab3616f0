"""The lesson format: malformed fixtures give the documented `file:line: problem` reports.

Each fixture in tests/fixtures/lessons/ lists the problems it must produce in comments of the form
`<!-- expect LINE: text -->`: every listed problem must be reported on that line (the text is a
substring of the message), and nothing else may be.
"""
import re
from pathlib import Path

import pytest

from dlsim.lesson.directives import pairs, parse as parse_directive
from dlsim.lesson.library import check
from dlsim.lesson.quantities import parse_condition, parse_quantity
from dlsim.lesson.text import fmt, placeholders, plain

FIXTURES = Path(__file__).parent / "fixtures" / "lessons"
MALFORMED = sorted(FIXTURES.glob("*.md"))


@pytest.mark.parametrize("path", MALFORMED, ids=lambda p: p.stem)
def test_malformed_fixture_reports_its_documented_problems(path):
    expected = [(int(line), text.strip()) for line, text in
                re.findall(r"<!-- expect (\d+): (.*?) -->", path.read_text(encoding="utf-8"))]
    assert expected, "a fixture lists the problems it expects"
    _, problems = check(path)
    found = [(p.line, p.message) for p in problems]
    for line, text in expected:
        assert any(n == line and text in message for n, message in found), (line, text, found)
    assert len(found) == len(expected), found
    assert all(str(p).startswith(f"{path}:{p.line}: ") for p in problems)


def test_quantities_parse_without_evaluating_anything():
    q = parse_quantity("layer[0].W[1,0]")
    assert (q.name, q.index) == ("layer[0].W", (1, 0))
    assert parse_quantity("class(1, 0.5)").args == (1.0, 0.5)
    assert parse_quantity("change(w[0])").args[0].index == (0,)
    assert parse_quantity("history(train_loss, 3)").args == ("train_loss", 3)
    for bad in ("__import__('os')", "w[0]; rm", "1 + 1", "open(x)", "w[-1]"):
        with pytest.raises(ValueError):
            parse_quantity(bad)


def test_conditions():
    c = parse_condition("train_acc >= 0.99")
    assert (c.quantity.name, c.op, c.value) == ("train_acc", ">=", 0.99)
    assert parse_condition("not converged").negate
    assert parse_condition("test_acc < train_acc").value.name == "train_acc"
    assert parse_condition("diverged == no").value is False
    with pytest.raises(ValueError):
        parse_condition("loss = 3")


def test_directive_arguments():
    assert parse_directive("step", "3 sample", 1).args == {"count": 3, "level": "sample"}
    assert parse_directive("step", "", 1).args == {"count": 1, "level": "op"}
    run = parse_directive("run", "until=loss < 0.1 max_epochs=50", 1).args
    assert run["until"].op == "<" and run["max_epochs"] == 50
    assert pairs("hidden=16,16 lr=0.5") == {"hidden": "16,16", "lr": "0.5"}
    assert parse_directive("param", "w = 1, -2", 1).args["values"] == (1.0, -2.0)
    cp = parse_directive("predict", "train_loss < 0.5 = yes", 1)
    assert (cp.kind, cp.answer, cp.choices) == ("condition", "yes", ("yes", "no"))
    assert cp.grade("YES") and cp.grade(0) and not cp.grade("no")
    with pytest.raises(ValueError, match="did you mean '@expect'"):
        parse_directive("expcet", "converged", 1)


def test_placeholders_and_plain_text():
    assert placeholders("a {z} b {{literal}}\n{w[0]:2}") == [(0, "z"), (1, "w[0]:2")]
    assert fmt(-0.5) == "−0.500" and fmt(3) == "3" and fmt(True) == "yes"
    assert fmt((0.0, 1.0), 0) == "(0, 1)"
    text = plain("Some **bold** and `code` that goes\non.\n\n- item one\n  continues\n\n```\nkept  as is\n```")
    assert "Some bold and code that goes on." in text
    assert "- item one continues" in text
    assert "kept  as is" in text
