"""`@highlight NAME` must name something the network's screen shows: a quantity its view marks,
pages to or centres on (the model's `highlightable`), a weight where the screen has a heatmap, or a
metric the curves draw. `@highlight z_map[0,0]` on the CNN passed the check, and the app then said
"look at z_map[0,0]" with nothing on screen marking it (the stage shows feature_map and pooled)."""
from dlsim.cli import main
from dlsim.lesson import check

HEAD = "---\ntitle: T\nnetwork: {}\n---\n## A\nText.\n"


def lesson(tmp_path, network: str, highlight: str):
    path = tmp_path / f"{network}.md"
    path.write_text(HEAD.format(network) + f"@highlight {highlight}\n", encoding="utf-8")
    return path


def test_a_quantity_no_cnn_panel_shows_is_refused_at_its_line(tmp_path, capsys):
    path = lesson(tmp_path, "cnn", "z_map[0,0]")
    assert main(["lesson", "check", str(path)]) == 2
    said = [line for line in capsys.readouterr().err.splitlines() if line.startswith(f"{path}:")]
    assert len(said) == 1
    where, _, message = said[0].partition(": ")
    assert where == f"{path}:7"
    assert message.startswith("@highlight: no panel of cnn's screen marks 'z_map'")
    # what may be highlighted instead: the quantities the view marks, the weights, the metrics
    for name in ("feature_map", "pooled", "confusion", "layer[0].K", "train_loss", "test_acc"):
        assert name in message, name


def test_what_the_cnn_screen_shows_passes(tmp_path):
    for highlight in ("feature_map[0,0]", "pooled[0,0]", "confusion", "layer[0].K[0,0,0,0]", "test_acc"):
        assert check(lesson(tmp_path, "cnn", highlight))[1] == [], highlight


def test_an_unknown_name_is_told_the_nearest_and_what_may_be_highlighted(tmp_path):
    """A misspelt weight is one of the names refused: the near miss is suggested."""
    problems = check(lesson(tmp_path, "mlp", "layer[0].w[0,0]"))[1]
    assert [p.line for p in problems] == [7]
    assert "(did you mean 'layer[0].W'?)" in problems[0].message and "neuron_on" in problems[0].message


def test_a_screen_without_a_heatmap_lists_no_weights(tmp_path):
    message = check(lesson(tmp_path, "transformer", "scores[0,0,0,0]"))[1][0].message
    assert "attention" in message and "test_seq_acc" in message and "weight" not in message


def test_a_metric_no_chart_draws_is_refused(tmp_path):
    """The SOM's σ is a metric of its history that no chart draws; an RNN on the sine (a regression)
    draws no accuracy chart: a highlight of either brought the curves up without the value."""
    message = check(lesson(tmp_path, "som", "sigma"))[1][0].message
    assert message.startswith("@highlight: no panel of som's screen marks 'sigma'"), message
    assert "topographic_error" in message and "sigma" not in message.split("it can highlight")[1]
    path = tmp_path / "rnn.md"
    path.write_text("---\ntitle: T\nnetwork: rnn\noptions: dataset=sine\n---\n## A\nText.\n@highlight train_acc\n",
                    encoding="utf-8")
    assert check(path)[1][0].message.startswith("@highlight: no panel of rnn's screen marks 'train_acc'")
    assert check(lesson(tmp_path, "lstm", "train_acc"))[1] == []   # its default task has classes


def test_a_name_the_network_does_not_have_is_told_so(tmp_path):
    message = check(lesson(tmp_path, "mlp", "layer[3].W"))[1][0].message   # 2-16-16-1: layers 0 to 2
    assert message.startswith("@highlight: mlp has nothing named 'layer[3].W' (did you mean"), message
