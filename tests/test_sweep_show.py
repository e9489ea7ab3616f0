"""`dlsim sweep show FILE`: the table sorted best first (mean ± spread over seeds), the curves, the
heatmap when two options vary, the CSV; a results file that is not one is refused in one line."""
import csv
import json
import re

import pytest

from dlsim.cli import main
from dlsim.sweeps import one_run
from dlsim.sweeps.command import plan_runs


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """A 2 × 2 grid over two seeds, run serially (the records a cluster would write)."""
    runs = plan_runs("mlp:dataset=xor", ["lr=0.03,3", "hidden=2,4.4"], "0-1", 15, ["test_acc>=0.6"], None, None)
    path = tmp_path_factory.mktemp("sweep") / "s.jsonl"
    records = [one_run.run(spec) for spec in runs]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path, records


def shown(capsys, *argv) -> str:
    assert main(["sweep", "show", *argv]) == 0
    return capsys.readouterr().out


def test_the_table_is_one_row_a_setting_sorted_best_first(capsys, results):
    path, records = results
    out = shown(capsys, str(path))
    assert "sorted by test_loss (lowest first)" in out and "mean ± standard deviation" in out
    rows = [line for line in out.splitlines() if re.match(r"^(2|4\.4)\s", line)][:4]
    assert len(rows) == 4
    means = [float(re.search(r"\s(\d\.\d+) ±", row).group(1)) for row in rows]
    assert means == sorted(means)
    assert all(row.rstrip().endswith(("0/2", "1/2", "2/2")) for row in rows)


def test_sorting_by_a_metric_where_higher_is_better(capsys, results):
    path, _ = results
    out = shown(capsys, str(path), "--sort", "test_acc")
    assert "sorted by test_acc (highest first)" in out


def test_two_varied_options_give_a_heatmap(capsys, results):
    path, _ = results
    out = shown(capsys, str(path))
    assert "test_loss over hidden (rows) × lr (columns)" in out
    assert "test_loss by epoch" in out   # the curves


def test_the_csv_has_a_row_per_run_with_its_numbers_whole(capsys, results, tmp_path):
    path, records = results
    table = tmp_path / "runs.csv"
    shown(capsys, str(path), "--csv", str(table))
    rows = list(csv.DictReader(table.open()))
    assert len(rows) == len(records)
    by_config = {r["config"]: r for r in rows}
    for record in records:
        assert float(by_config[record["config"]]["test_loss"]) == record["metrics"]["test_loss"]


def test_failed_shows_only_the_runs_that_failed(capsys, results):
    path, records = results
    failed = sum(not r["passed"] for r in records)
    assert 0 < failed < len(records)
    assert f"{failed} runs" in shown(capsys, str(path), "--failed")


@pytest.mark.parametrize("content, said", [
    ('{"config": "mlp"}\nnot json\n', ":2: not a line a sweep writes"),
    ('[1, 2]\n', ":1: not a sweep's record"),
])
def test_a_file_that_is_not_a_sweeps_is_refused_by_its_line(capsys, tmp_path, content, said):
    path = tmp_path / "s.jsonl"
    path.write_text(content)
    assert main(["sweep", "show", str(path)]) == 2
    assert said in capsys.readouterr().err


def test_an_unknown_sort_metric_and_a_missing_file(capsys, results, tmp_path):
    path, _ = results
    assert main(["sweep", "show", str(path), "--sort", "test_accc"]) == 2
    assert "did you mean 'test_acc'" in capsys.readouterr().err
    assert main(["sweep", "show", str(tmp_path / "none.jsonl")]) == 2
    assert "no such file" in capsys.readouterr().err
