"""The autoencoder's ops and how the math panel writes them. Its forward, loss, backward and update
are the MLP's ops (written by the MLP's formulas); it adds the corruption of a denoising
autoencoder's input and the tying of a decoder weight to its encoder twin."""
from dlsim.models import mlp_formulas as mlp
from dlsim.models.neuron_formulas import epoch_summary
from dlsim.protocol.metrics import Metric
from dlsim.protocol.numbers import num


class Op(mlp.Op):
    CORRUPT = "corrupt"   # one input value kept or dropped (denoising)
    TIE = "tie"           # one tied weight's two gradients summed


METRICS = (Metric("train_loss", "train reconstruction loss", "train loss", chart="loss"),
           Metric("test_loss", "test reconstruction loss", "test loss", chart="loss"),
           # the class of each test input's nearest training code: what the code kept of the class
           Metric("test_code_acc", "test class kept in the code (nearest training code)", "code acc",
                  chart="accuracy", lower_is_better=False, limits=(0.0, 1.0)))


def corrupt(event) -> str:
    v = event.values
    if v["kept"]:
        return f"u = {num(v['u'])} ≥ p = {num(v['p'])}: kept, x̃ = x = {num(v['input'])}"
    return f"u = {num(v['u'])} < p = {num(v['p'])}: dropped, x̃ = 0 (x was {num(v['x'])})"


def tie(event) -> str:
    v = event.values
    return (f"tied: ∂L/∂w = ∂(encoder) + ∂(decoder {v['twin']}) = {num(v['encoder'])} + "
            f"{num(v['decoder'])} = {num(v['tied'])}")


FORMULAS = {**mlp.FORMULAS, Op.CORRUPT: corrupt, Op.TIE: tie, Op.EPOCH: epoch_summary(METRICS)}
