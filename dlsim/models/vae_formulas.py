"""The variational autoencoder's ops and how the math panel writes them. Its dense layers, δs,
gradients and updates are the MLP's (written by the MLP's formulas); it adds ε's draw, z = μ + σ·ε,
each code unit's KL, the loss (reconstruction + β·KL), the δ of z, the KL term's own gradient, what
reaches each head, and ε's absent gradient."""
from dlsim.models import ae_formulas
from dlsim.models.neuron_formulas import epoch_summary, so_far
from dlsim.protocol.metrics import Metric
from dlsim.protocol.numbers import fac, num, product, sum_of


class Op(ae_formulas.Op):
    DRAW = "draw"                # one ε_j drawn from N(0, 1) (a recorded op: rewinding draws it again)
    REPARAM = "reparameterise"   # z_j = μ_j + σ_j·ε_j
    KL = "kl"                    # one code unit's KL from N(0, 1)
    Z_DELTA = "z_delta"          # ∂L/∂z_j from the decoder
    KL_GRAD = "kl_grad"          # the KL term's gradient on μ_j or log σ²_j, on its own
    HEAD_DELTA = "head_delta"    # δ of μ_j or log σ²_j: through z plus the KL's
    NO_GRAD = "no_grad"          # ε_j gets no gradient: it is drawn, not learned


METRICS = (Metric("train_recon", "train reconstruction (from μ, summed over the values)", "train recon",
                  chart="reconstruction"),
           Metric("test_recon", "test reconstruction (from μ, summed over the values)", "test recon",
                  chart="reconstruction"),
           Metric("test_kl", "test KL from N(0, 1), per input", "test KL", chart="KL"),
           # how far the test codes spread: about 1 where the KL holds them to N(0, 1), more without
           # charted: the lessons compare it before and after β is switched on (the KL pulls it towards 1)
           Metric("test_mu_rms", "test codes' spread (root mean square of μ)", "μ rms", chart="μ rms",
                  lower_is_better=None),
           Metric("test_code_acc", "test class kept in the code (nearest training μ)", "code acc",
                  chart="accuracy", lower_is_better=False, limits=(0.0, 1.0)))


def draw(event) -> str:
    v = event.values
    return f"ε = {num(v['eps'])} ~ N(0, 1), drawn for sample {v['sample']} in epoch {v['epoch']} (seeded: the same on replay)"


def reparameterise(event) -> str:
    v = event.values
    return (f"z = μ + σ·ε = {num(v['mu'])} + e^(½·{fac(v['logvar'])})·{fac(v['eps'])} = {num(v['mu'])} + "
            f"{fac(v['sigma'])}·{fac(v['eps'])} = {num(v['z'])}")


def kl(event) -> str:
    v = event.values
    return (f"KL = −½(1 + log σ² − μ² − σ²) = −½(1 + {fac(v['logvar'])} − {fac(v['mu'])}² − {fac(v['sigma2'])}) "
            f"= {num(v['kl'])}")


def loss(event) -> str:
    v = event.values
    return (f"loss = Σ {v['fn']} + β·KL = {num(v['recon'])} + {num(v['beta'])}·{fac(v['kl'])} = {num(v['loss'])}"
            f"   {so_far(v)}")


def z_delta(event) -> str:
    v = event.values
    terms = [product(d, w) for w, d in zip(v["weights"], v["deltas"])]
    return f"∂L/∂z = Σ w·δ = {sum_of(terms)} = {num(v['delta'])}"


def kl_grad(event) -> str:
    v = event.values
    if v["head"] == "μ":
        return f"∂(β·KL)/∂μ = β·μ/batch = {num(v['beta'])}·{fac(v['mu'])}/{v['batch']} = {num(v['grad'])}"
    return (f"∂(β·KL)/∂log σ² = β·½(σ² − 1)/batch = {num(v['beta'])}·½·({fac(v['sigma2'])} − 1)/{v['batch']} "
            f"= {num(v['grad'])}")


def head_delta(event) -> str:
    v = event.values
    if v["head"] == "μ":
        return f"δμ = ∂L/∂z·1 + KL's = {fac(v['dz'])} + {fac(v['kl_grad'])} = {num(v['delta'])}"
    return (f"δ log σ² = ∂L/∂z·ε·½σ + KL's = {fac(v['dz'])}·{fac(v['eps'])}·½·{fac(v['sigma'])} + "
            f"{fac(v['kl_grad'])} = {fac(v['through_z'])} + {fac(v['kl_grad'])} = {num(v['delta'])}")


def no_grad(event) -> str:
    v = event.values
    return (f"ε = {num(v['eps'])} was drawn, not computed from a weight: no gradient flows into it "
            f"(z moves σ = {num(v['sigma'])} per unit of ε, but nothing upstream can move ε)")


FORMULAS = {**ae_formulas.FORMULAS, Op.DRAW: draw, Op.REPARAM: reparameterise, Op.KL: kl, Op.LOSS: loss,
            Op.Z_DELTA: z_delta, Op.KL_GRAD: kl_grad, Op.HEAD_DELTA: head_delta, Op.NO_GRAD: no_grad,
            Op.EPOCH: epoch_summary(METRICS)}
