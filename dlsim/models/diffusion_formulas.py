"""The diffusion model's ops, its metrics, and how the math panel writes each op with the kernels'
numbers. The denoiser's sums, activations, loss, δs, gradients and updates are the MLP's ops (its
formulas write them); the diffusion model adds the draw of t and ε, the forward process that noises
a point, and the time features."""
from dlsim.models import mlp_formulas as mlp
from dlsim.models.neuron_formulas import epoch_summary
from dlsim.protocol.metrics import Metric
from dlsim.protocol.numbers import num


class Op(mlp.Op):
    DRAW = "draw"     # t and ε drawn for one point (recorded: a rewind draws them again)
    NOISE = "noise"   # one coordinate of x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε
    EMBED = "embed"   # one time feature of t (sin or cos)


METRICS = (Metric("train_loss", "ε loss on fixed draws, every t alike", "ε loss", chart="loss"),
           # the GAN's measure, so that the two generative models can be compared on the same data
           Metric("distance", "distance real ↔ generated", "distance", chart="distance", limits=(0.0, 1.0)))


def draw(event) -> str:
    v = event.values
    e0, e1 = v["eps"]
    return (f"point {v['sample']}: t = {v['t']} of {v['T']} drawn (ᾱ_t = {num(v['alpha_bar'])}), "
            f"ε = ({num(e0)}, {num(e1)}) ~ N(0, I)")


def noise(event) -> str:
    v = event.values
    return (f"x_t = √ᾱ_t·x₀ + √(1−ᾱ_t)·ε = {num(v['sqrt_ab'])}·{num(v['x0'])} + "
            f"{num(v['sqrt_1mab'])}·{num(v['eps'])} = {num(v['x_t'])}")


def embed(event) -> str:
    v = event.values
    return f"{v['fn']}(π·{v['scale']}·t/T) = {v['fn']}(π·{v['scale']}·{v['t']}/{v['T']}) = {num(v['value'])}"


FORMULAS = {**mlp.FORMULAS, Op.DRAW: draw, Op.NOISE: noise, Op.EMBED: embed, Op.EPOCH: epoch_summary(METRICS)}
