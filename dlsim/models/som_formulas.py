"""The SOM's ops as the math panel writes them, with the numbers the kernels used.

Its epoch event keeps the shared name "epoch" (the simulator counts epochs by it), so the shared
formula writes it."""
from dlsim.sim.formulas import OWN, _sum, fac, num


def _vector(values) -> str:
    return "(" + ", ".join(num(v) for v in values) + ")"


def distance(event) -> str:
    v = event.values
    terms = [f"({num(x)} − {num(w)})²" for x, w in zip(v["x"], v["w"])]
    return (f"‖x − w‖ = √({_sum(terms)}) = √({_sum([num(q) for q in v['squares']])}) = √{num(v['d2'])} "
            f"= {num(v['distance'])}")


def bmu(event) -> str:
    v = event.values
    return (f"BMU of sample {v['sample']}: node {v['bmu']} at distance {num(v['distance'])}; "
            f"runner-up node {v['runner_up']} at {num(v['runner_up_distance'])}")


SHAPES = {"gaussian": "exp(−d²/2σ²)", "bubble": "1 if d ≤ σ else 0", "triangle": "max(0, 1 − d/σ)",
          "mexican_hat": "(1 − d²/σ²)·exp(−d²/2σ²)"}


def neighbourhood(event) -> str:
    v = event.values
    return (f"h = {SHAPES[v['fn']]} with d = {num(v['grid_distance'])} on the grid, σ = {num(v['sigma'])}: "
            f"h = {num(v['h'])}")


def pull(event) -> str:
    v = event.values
    return (f"w ← w + lr·h·(x − w) = {_vector(v['old'])} + {num(v['lr'])}·{fac(v['h'])}·({_vector(v['x'])} − w) "
            f"= {_vector(v['new'])}")


def step(event) -> str:
    v = event.values
    return (f"sample {v['sample']} done: BMU node {v['bmu']} at {num(v['distance'])}; "
            f"lr {num(v['lr'])}, σ {num(v['sigma'])}")


OWN.update({"distance": distance, "bmu": bmu, "neighbourhood": neighbourhood, "pull": pull, "step": step})
