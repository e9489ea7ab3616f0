"""`dlsim sweep` refuses a bad grid, option, seed list, --from line or --expect in one line before any
run starts (no cluster, no results file), and works out the grid a learner asked for."""
import pytest

from dlsim.cli import main
from dlsim.models import MODELS
from dlsim.models.options import resolve
from dlsim.sim.config_string import parse_config
from dlsim.sweeps.command import plan_runs


def options(config: str) -> dict:
    """Every option of a run, its defaults too (the string leaves those out)."""
    network, given = parse_config(config)
    return resolve(network, MODELS[network].options, given)


def refused(capsys, tmp_path, *argv) -> str:
    out = tmp_path / "sweep.jsonl"
    assert main(["sweep", *argv, "--out", str(out)]) == 2
    assert not out.exists()   # nothing was started
    err = capsys.readouterr().err.strip()
    assert err.startswith("dlsim: error: ") and "\n" not in err and "Traceback" not in err
    return err


def test_every_combination_of_the_grid_and_seeds_once():
    runs = plan_runs("mlp", ["lr=0.01,0.1,1", "hidden=4,8,16.16"], "0-1", 5, [], None, None)
    assert len(runs) == 3 * 3 * 2
    seen = {(o["lr"], o["hidden"], o["seed"]) for o in map(options, (r.config for r in runs))}
    assert seen == {(lr, h, s) for lr in (0.01, 0.1, 1.0) for h in ((4,), (8,), (16, 16)) for s in (0, 1)}
    assert all(r.epochs == 5 for r in runs)


def test_a_configuration_string_fixes_options_for_every_run():
    runs = plan_runs("mlp:dataset=spiral,activation=relu", ["lr=0.01,1"], None, None, [], None, None)
    assert [options(r.config)["activation"] for r in runs] == ["relu", "relu"]
    assert {options(r.config)["dataset"] for r in runs} == {"spiral"}


def test_layers_written_with_commas_are_caught(capsys, tmp_path):
    err = refused(capsys, tmp_path, "mlp", "--set", "hidden=16,16")
    assert "16.16" in err and "twice" in err


@pytest.mark.parametrize("argv, said", [
    (["mlp", "--set", "lrr=0.1,1"], "unknown option"),
    (["mlp", "--set", "lr=0.1,,1"], "empty value"),
    (["mlp", "--set", "lr=fast"], "lr"),
    (["mlp", "--set", "seed=1,2"], "--seeds"),
    (["mlp", "--seeds", "9-3"], "backwards"),
    (["mlp", "--seeds", "a"], "--seeds"),
    (["mlp", "--epochs", "0"], "--epochs"),
    (["nosuchnet", "--set", "lr=0.1"], "network"),
    (["mlp", "--expect", "test_ac>=0.9"], "did you mean 'test_acc'"),
    (["mlp", "--expect", "test_acc >>= 0.9"], "--expect"),
    (["mlp", "--workers", "0"], "--workers"),
    (["mlp", "--workers", "99999"], "--workers must be a whole number from 1 to"),   # never a process storm
    (["mlp", "--failed"], "--failed goes with 'dlsim sweep show FILE'"),
    ([], "name a network"),
    (["mlp", "--lesson", "perceptron-and"], "about perceptron"),
    (["mlp", "--lesson", "no-such-lesson"], "no-such-lesson"),
])
def test_a_mistake_is_one_line_before_any_run(capsys, tmp_path, argv, said):
    assert said in refused(capsys, tmp_path, *argv)


def test_a_bad_line_of_a_from_file_is_named_by_its_number(capsys, tmp_path):
    runs = tmp_path / "students.txt"
    runs.write_text("# one configuration per line\nmlp:dataset=xor,lr=0.1\n\nmlp:dataset=xor,lr=banana\n")
    err = refused(capsys, tmp_path, "--from", str(runs))
    assert f"{runs}:4:" in err
    assert "lr" in err


def test_a_from_file_refuses_a_grid_beside_it_and_a_run_listed_twice(capsys, tmp_path):
    runs = tmp_path / "students.txt"
    runs.write_text("mlp:dataset=xor,lr=0.1\nmlp:lr=0.1,dataset=xor\n")
    assert "twice" in refused(capsys, tmp_path, "--from", str(runs))
    assert "--from" in refused(capsys, tmp_path, "mlp", "--from", str(runs))


def test_an_existing_results_file_is_never_replaced_by_accident(capsys, tmp_path):
    out = tmp_path / "sweep.jsonl"
    out.write_text("")
    assert main(["sweep", "mlp", "--set", "lr=0.1,1", "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    assert out.read_text() == ""


def test_without_dask_one_line_says_how_to_install_it(capsys, tmp_path, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)   # import distributed fails
    assert main(["sweep", "mlp", "--set", "lr=0.1,1", "--epochs", "1", "--out", str(tmp_path / "s.jsonl")]) == 2
    assert "pip install 'dlsim[sweep]'" in capsys.readouterr().err
    assert not (tmp_path / "s.jsonl").exists()


def test_show_refuses_a_flag_of_a_sweep_to_run(capsys, tmp_path):
    (tmp_path / "s.jsonl").write_text("")
    assert main(["sweep", "show", str(tmp_path / "s.jsonl"), "--seeds", "3"]) == 2
    assert "--seeds goes with a sweep to run" in capsys.readouterr().err


def test_a_scheduler_that_cannot_be_reached_leaves_no_file_to_refuse_the_next_try(capsys, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "s.jsonl"
    assert main(["sweep", "mlp", "--epochs", "1", "--scheduler", "garbage", "--out", str(out)]) == 2
    assert "--scheduler garbage: cannot reach it" in capsys.readouterr().err
    assert not out.exists()
