"""Traces under faults: a full disk or an I/O error is one line and exit 2, the file keeps only whole
lines, the lesson a run reads is never overwritten, and a long run always reports its progress."""
import errno
import json
import os

import pytest

import dlsim.console.trace_file
from dlsim.cli import main
from dlsim.console.run import Progress

LESSON = "---\ntitle: T\nnetwork: perceptron\ndataset: and\n---\n\n## One\n\nText.\n\n@step 1 epoch\n\nDone.\n"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def one_error_line(err: str) -> str:
    """The one error line (a 'compiling…' note from a slow warm-up may come before it)."""
    lines = [line for line in err.strip().splitlines() if "compiling" not in line]
    assert len(lines) == 1 and lines[0].startswith("dlsim: error: ") and "Traceback" not in err
    return lines[0]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [["run", "mlp", "--headless", "--epochs", "2"],
                                  ["lesson", "perceptron-and", "--headless"]])
def test_a_full_disk_is_one_line_and_exit_2(capsys, argv):
    code, _, err = run(capsys, *argv, "--trace", "/dev/full")
    assert code == 2
    line = one_error_line(err)
    assert "/dev/full" in line and "No space left on device" in line


@pytest.mark.parametrize("fault", [errno.ENOSPC, errno.EIO])
@pytest.mark.parametrize("argv", [["run", "mlp", "--headless", "--epochs", "30", "--trace-level", "op",
                                   "--set", "hidden=3", "--set", "samples=8"],
                                  ["lesson", "perceptron-and", "--headless"]])
def test_a_write_error_midway_leaves_only_whole_lines(tmp_path, capsys, monkeypatch, fault, argv):
    """The disk fills (or fails) in the middle of a block: the file is cut back to whole lines."""
    path = tmp_path / "t.jsonl"
    real_write, room = os.write, [3_000]

    def failing_write(fd, data):
        if room[0] <= 0:
            raise OSError(fault, os.strerror(fault))
        n = real_write(fd, bytes(data[:room[0]]))   # a partial write, as a filling disk does
        room[0] -= n
        return n

    monkeypatch.setattr(dlsim.console.trace_file.TraceWriter, "BLOCK", 1024)
    monkeypatch.setattr(dlsim.console.trace_file.os, "write", failing_write)
    code, _, err = run(capsys, *argv, "--trace", str(path))
    assert code == 2
    assert str(path) in one_error_line(err) and os.strerror(fault) in err
    text = path.read_text(encoding="utf-8")
    assert 0 < len(text) <= 3_000 and text.endswith("\n")
    records = [json.loads(line) for line in text.splitlines()]
    assert records[0]["type"] == "header" and [r["n"] for r in records[1:]] == list(range(1, len(records)))


def test_ctrl_c_keeps_every_written_line_whole(tmp_path, monkeypatch):
    path = tmp_path / "t.jsonl"
    writer = dlsim.console.trace_file.TraceWriter(str(path))
    writer.header("mlp", {"seed": 0})
    real_write = os.write

    def interrupted(fd, data):
        real_write(fd, bytes(data[:10]))     # part of the next line reached the file …
        raise KeyboardInterrupt              # … when Ctrl+C came

    monkeypatch.setattr(dlsim.console.trace_file.os, "write", interrupted)
    writer.summary({"epochs": 1})
    with pytest.raises(KeyboardInterrupt):
        writer.close()
    assert path.read_text(encoding="utf-8") == ""   # no whole line was written: nothing stays


def test_a_trace_never_overwrites_the_lesson_it_plays(tmp_path, capsys):
    lesson = tmp_path / "mine.md"
    lesson.write_text(LESSON, encoding="utf-8")
    link = tmp_path / "link.md"
    link.symlink_to(lesson)
    for trace in (lesson, link, tmp_path / "." / "mine.md"):
        code, _, err = run(capsys, "lesson", str(lesson), "--headless", "--trace", str(trace))
        assert code == 2 and "a file this run reads" in one_error_line(err)
    assert lesson.read_text(encoding="utf-8") == LESSON
    code, _, _ = run(capsys, "lesson", str(lesson), "--headless", "--trace", str(tmp_path / "t.jsonl"))
    assert code == 0


@pytest.mark.parametrize("argv", [["run", "mlp", "--headless", "--trace", ""],
                                  ["run", "mlp", "--trace", " "],
                                  ["lesson", "perceptron-and", "--headless", "--trace", ""]])
def test_an_empty_trace_name_is_refused(capsys, argv):
    code, _, err = run(capsys, *argv)
    assert code == 2 and "--trace needs a file name" in one_error_line(err)


@pytest.mark.parametrize("argv, expected", [
    (["run", "mlp", "--headless", "--epochs", "300", "--set", "hidden=4"], "dlsim: epoch "),
    (["run", "mlp", "--headless", "--steps", "300", "--set", "hidden=4"], "dlsim: step "),
    (["run", "mlp", "--headless", "--epochs", "300", "--set", "hidden=4", "--trace", "{trace}"], "of trace written"),
])
def test_progress_is_reported_whatever_the_flags(tmp_path, capsys, monkeypatch, argv, expected):
    monkeypatch.setattr(Progress, "EVERY", 0.0)    # "every few seconds", made immediate
    argv = [a.format(trace=tmp_path / "t.jsonl") for a in argv]
    code, _, err = run(capsys, *argv)
    assert code == 0 and expected in err and "Ctrl+C stops" in err
