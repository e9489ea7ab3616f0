"""What the DBN's pictures show, asked of the part in hand (a mixin of dlsim.models.dbn.DBN): the
stage, and while a layer pre-trains that RBM's own pictures (its statistics and ΔW, its receptive
fields, the sample's chain, its dreams); while the stack fine-tunes, the first layer's receptive
fields as backpropagation has made them, and the classifier's test accuracy."""
import numpy as np

from dlsim.models.dbn_formulas import stage_name
from dlsim.models.rbm_inspect import INSPECTED as RBM_INSPECTED

INSPECTED = {
    "stage": "the stage in hand: 'pretraining layer l' or 'fine-tuning'",
    "layer": "the part training: 0 … L−1 the RBM of that layer, L the fine-tuned classifier",
    "frozen": "how many layers below the one training are frozen",
    **{k: f"(the RBM training) {v}" for k, v in RBM_INSPECTED.items()},
    "fields": "each hidden unit's weights from the layer below (the first layer's as images): the RBM "
              "training's, or while fine-tuning the first layer's as backpropagation has made them",
    "test_acc": "the classifier's test accuracy at the last epoch's end (fine-tuning)",
}


class DBNInspect:
    inspected = INSPECTED

    def inspect(self, last=None, trace=None):
        stage, L = self.stage(), len(self.rbms)
        out = {"stage": stage_name(stage, L), "layer": stage, "frozen": min(stage, L)}
        if stage < L:
            out.update(self.rbms[stage].inspect(last, trace))
            return out
        W = self.mlp.layers()[0][0]
        out["fields"] = self.rbms[0]._images(np.ascontiguousarray(W.T))
        if self.history and self.history[-1].get("test_acc") is not None:
            out["test_acc"] = self.history[-1]["test_acc"]
        return out

    def sample_in_hand(self, last):
        """The training row whose chain `last` belongs to, while a layer pre-trains (else None)."""
        return self.current.sample_in_hand(last) if self.stage() < len(self.rbms) else None
