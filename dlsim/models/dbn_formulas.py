"""The DBN's own events (an epoch's end, which says the stage) and what it measures: the RBMs'
and the classifier's metrics side by side, each present in the epochs of the stage that has it.
The parts' ops are written by their own formula tables (the event's path names the part)."""
import dataclasses

from dlsim.models.mlp_formulas import FORMULAS as MLP_FORMULAS
from dlsim.models.mlp_formulas import METRICS as CLASSIFIER
from dlsim.models.neuron_formulas import epoch_summary
from dlsim.models.rbm_formulas import FORMULAS as RBM_FORMULAS
from dlsim.models.rbm_formulas import METRICS as RBM_METRICS
from dlsim.protocol.metrics import Metric

# the RBMs' reconstruction charted apart from the classifier's cross-entropy (another scale)
METRICS = tuple(dataclasses.replace(m, chart="reconstruction") if m.chart == "loss" else m for m in RBM_METRICS
                if m.key in ("sampled_recon", "train_recon", "test_recon", "test_free_energy_gap")) + tuple(CLASSIFIER)


MAX_LAYERS = 8
# each stage's own loss, in its epochs' entries: what the divergence watchdog follows per stage, and
# what a lesson quotes for a layer once the next has started (evaluate() then measures the next;
# a lesson finds them in the history, where they are measured at the stage's epochs' ends)
STAGE_LOSSES = tuple(Metric(f"layer{l + 1}_loss", f"layer {l + 1}'s epoch reconstruction error",
                            f"layer {l + 1} recon") for l in range(MAX_LAYERS)) + (
    Metric("finetune_loss", "fine-tuning's epoch loss (mean over its batches)", "fine-tuning loss"),)
METRICS = METRICS + STAGE_LOSSES


def stage_name(stage: int, layers: int) -> str:
    return f"pretraining layer {stage + 1}" if stage < layers else "fine-tuning"


_summary = epoch_summary(METRICS)


def epoch(event) -> str:
    v = event.values
    if "part" not in v:
        return _summary(event)
    stage = "fine-tuning" if "finetune_loss" in v else f"pretraining layer {v['part'] + 1}"
    return f"{stage}: {_summary(event)}"


# every op the DBN's stream carries; describe() writes each by its path's network (rbm., mlp.),
# so the parts' tables are theirs, and the DBN's own event (its epoch) is written here
FORMULAS = {**MLP_FORMULAS, **RBM_FORMULAS, "epoch": epoch}
