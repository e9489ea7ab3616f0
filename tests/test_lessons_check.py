"""`lesson check` finds, in one pass, everything that playing the lesson would refuse, each at its
own line, and keeps its report readable whatever the file holds."""
from pathlib import Path

import pytest

from dlsim.cli import main
from dlsim.lesson import check

HEAD = "---\ntitle: T\nnetwork: perceptron\n"


def problems(tmp_path, text: str, name: str = "l.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [(p.line, p.message) for p in check(path)[1]]


def test_what_play_refuses_is_found_at_its_line(tmp_path):
    found = problems(tmp_path, HEAD + "---\n## One\n@param b = 1e400\n@back 5 epoch\nText.\n")
    assert [line for line, _ in found] == [6, 7]
    assert "finite" in found[0][1] and "@back 5 epoch goes back past the start" in found[1][1]


@pytest.mark.parametrize("steps", ["@step 2 epoch\n@back 2 epoch", "@step 3 op\n@back 1 sample",
                                   "@run epochs=3\n@back 2 epoch", "@step 1 epoch\n@back 4 op"])
def test_a_back_that_can_happen_is_not_refused(tmp_path, steps):
    assert problems(tmp_path, HEAD + f"---\n## One\n{steps}\nText.\n") == []


def test_a_back_after_a_reset_is_refused(tmp_path):
    found = problems(tmp_path, HEAD + "---\n## One\n@step 1 epoch\n@reset\n@back 1 epoch\nText.\n")
    assert [line for line, _ in found] == [8]


def test_the_seed_has_one_limit_the_options_and_is_reported_at_its_line(tmp_path):
    found = problems(tmp_path, HEAD + "seed: 4000000000\n---\n## One\nText.\n")
    assert found == [(4, "option 'seed': 4000000000 is not allowed; a whole number from 0 to 1000000000")]


def test_an_unclosed_fence_or_comment_is_reported_where_it_opens(tmp_path):
    found = problems(tmp_path, HEAD + "---\n## One\n```\ncode\n\n\n")
    assert found == [(6, "this ``` code block is never closed")]
    found = problems(tmp_path, HEAD + "---\n## One\nText\n<!-- a note\n\n\n")
    assert found == [(7, "this <!-- comment is never closed with -->")]


def test_a_byte_order_mark_is_accepted(tmp_path):
    path = tmp_path / "bom.md"
    path.write_bytes(b"\xef\xbb\xbf" + (HEAD + "---\n## One\nText.\n").encode())
    assert check(path)[1] == []


def test_every_problem_in_one_pass_even_with_a_bad_front_matter(tmp_path):
    found = problems(tmp_path, HEAD + "seed: 12x\noptions: lr=abc\ndataset: andd\n---\n"
                                      "## A\n@stpe 1 op\n{zz}\n@param nope = 1\n")
    assert [line for line, _ in found] == [4, 5, 6, 9, 10, 11]


def test_huge_inputs_are_not_echoed_whole(tmp_path):
    found = problems(tmp_path, HEAD + "seed: " + "9" * 5000 + "\n---\n## A\n{" + "a" * 3_000_000
                     + "}\n@" + "b" * 100_000 + "\n")
    assert len(found) == 3 and all(len(message) < 300 for _, message in found)
    assert "(5,000 characters)" in found[0][1] and "(3,000,000 characters)" in found[1][1]


def test_a_long_echo_with_an_apostrophe_is_shortened_whole(tmp_path):
    """A front-matter line quoting "RBM's" was cut at the apostrophe: the message ended
    "… (77 characters)s'", the rest of the quote dangling after the count."""
    line = "This is the second RBM's first hidden unit, driven by its data and by nothing else"
    found = problems(tmp_path, HEAD + line + "\n---\n## A\nText.\n")
    message = next(m for _, m in found if "expected 'key: value'" in m)
    assert message.endswith(f"got '{line[:40]}…' ({len(line)} characters)")


def test_a_file_of_many_bad_lines_is_summarised(tmp_path, capsys):
    path = tmp_path / "many.md"
    path.write_text(HEAD + "---\n## A\nText.\n" + "@stpe 1 op\n" * 2000)
    assert main(["lesson", "check", str(path)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 52 and err[-2] == "… and 1,950 more" and "2000 problems" in err[-1]
