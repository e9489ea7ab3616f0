"""`lesson check` refuses event paths the lesson's network cannot have, at their line, saying what
exists: once only playing found `kernel[7]` on a 4-kernel CNN, `t[99]` on 20 time steps, or an
index into a value that is a number. What exists is asked of the network (a probe run), so a path
indexed by the data (a sample's row) still passes at any size."""
import pytest

from dlsim.lesson.library import check

FRONT = "---\ntitle: Paths\nnetwork: {network}\noptions: backend=numpy {options}\n---\n\n## One\n\n@step {level}\n\n"


def problems(tmp_path, network, body, options="", level="epoch"):
    path = tmp_path / f"{network}.md"
    path.write_text(FRONT.format(network=network, options=options, level=level) + body + "\n",
                    encoding="utf-8")
    _, found = check(path)
    return [(p.line, p.message) for p in found]


def test_a_kernel_the_cnn_does_not_have_is_refused_with_those_it_has(tmp_path):
    found = problems(tmp_path, "cnn", "A bias gradient: {layer[0].kernel[3].b.total}.\n\n"
                                      "Another: {layer[0].kernel[7].b.total}.", options="kernels=4")
    assert len(found) == 1, found
    line, message = found[0]
    assert line == 13
    assert "'layer[0].kernel[7].b'" in message and "kernel[0..3]" in message


def test_a_time_step_past_the_sequence_is_refused(tmp_path):
    found = problems(tmp_path, "rnn", "{layer[0].t[19].dh_norm} then {layer[0].t[99].dh_norm}\n\n"
                                      "@expect now(layer[0].t[42].dh_norm) > 0", options="length=20")
    assert [line for line, _ in found] == [11, 13], found
    assert all("t[0..19]" in message for _, message in found), found


def test_a_path_with_no_such_value_says_which_values_it_carries(tmp_path):
    found = problems(tmp_path, "mlp", "{layer[1].W[0,0].fprime}", options="hidden=2")
    assert len(found) == 1 and "carry no 'fprime'" in found[0][1] and "grad" in found[0][1], found


def test_an_index_into_a_number_is_refused(tmp_path):
    found = problems(tmp_path, "mlp", "{layer[1].W[0,0].grad} {layer[1].W[0,0].grad[7]} {delta[7]}",
                     options="hidden=2")
    assert [line for line, _ in found] == [11, 11], found
    assert all("index [7] is outside" in message for _, message in found)


@pytest.mark.parametrize("network, body, options", [
    ("perceptron", "{sample[30].error}", "dataset=blobs samples=40"),   # a row of the data
    ("gan", "{z[9].latent}", "samples=64 batch=16"),                     # a member of the batch
])
def test_a_path_indexed_by_the_data_passes_at_any_size(tmp_path, network, body, options):
    assert problems(tmp_path, network, body, options=options) == []


def test_a_probe_cut_short_refuses_no_path_it_did_not_see(tmp_path, monkeypatch):
    """A network too big for the probe to finish its epoch: what it did not see may still exist."""
    from dlsim.lesson import event_paths
    monkeypatch.setattr(event_paths, "PROBE_EVENTS", 3)   # the first neuron's weighted sum, no more
    monkeypatch.setattr(event_paths, "_PROBED", {})       # nothing kept from a whole probe
    assert problems(tmp_path, "mlp", "{layer[1].neuron[0].z}", options="hidden=2") == []


def test_a_configuration_is_probed_once_and_the_learners_own_file_every_time(tmp_path, monkeypatch):
    """Loading a lesson probes its network (seconds for the larger ones): a second lesson with the
    same configuration reuses what the first found; a configuration naming a file does not, since
    the file may have changed in between."""
    from dlsim.lesson import event_paths
    from dlsim.models import MODELS
    monkeypatch.setattr(event_paths, "_PROBED", {})
    runs = []
    real = event_paths._probe
    monkeypatch.setattr(event_paths, "_probe", lambda *args: runs.append(args[1]) or real(*args))
    config = {"backend": "numpy", "hidden": (3,)}
    first = event_paths.probe("mlp", config, MODELS["mlp"])
    first[0].add("changed by a caller")
    second = event_paths.probe("mlp", dict(config), MODELS["mlp"])
    assert len(runs) == 1 and second[0] == first[0] - {"changed by a caller"} and "z" in second[0]
    data = tmp_path / "points.csv"
    data.write_text("x0,x1,label\n" + "".join(f"{i},{-i},{i % 2}\n" for i in range(12)))
    for _ in range(2):
        event_paths.probe("mlp", {**config, "data": str(data)}, MODELS["mlp"])
    assert len(runs) == 3
