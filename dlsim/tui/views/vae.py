"""The variational autoencoder's view: the autoencoder's (input beside reconstruction, first-layer
weight tiles, the weight heatmap, the code plane of the test inputs' mean codes μ with its decoded
grid, the curves), with the sample's μ, σ, ε and z = μ + σ·ε written under its pictures. Every
number is the model's (VAE.inspect, VAE.decoded_grid)."""
from dlsim.models import MODELS
from dlsim.tui.views.ae import AEView
from dlsim.tui.widgets.curves import charts_for


class VAEView(AEView):
    name = "vae"
    charts = charts_for(MODELS["vae"].metrics)   # its own (a parent view's charts are kept otherwise)
    curves_title = ("reconstruction · KL · ── train ┄┄ test", "curves · ── train ┄┄ test", "── train ┄┄ test")
    phases = "forward → ε drawn, z = μ + σ·ε → forward → loss (+ β·KL) → backward → update"

    def extras(self, model) -> dict:
        ex = super().extras(model)
        sim = self.session.sim
        shown = model.inspect(sim.last, sim.trace.events)
        if "sample_mu" in shown:
            ex["heads"] = (shown["sample_mu"], shown["sample_sigma"], shown["sample_eps"])
        return ex
