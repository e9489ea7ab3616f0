"""What the GAN's pictures show, computed by the model through the kernels that ran (`kernels_now()`):
the fakes G makes from fixed latent points and the push G's gradient gives each (the data plane's
arrows), D's mean verdict on the real and the generated points, G's image of a grid of z (G's map),
and the point being stepped through with its push. The app lays these out, lessons quote them
(`{d_real}`), a headless trace carries them (--trace-inspect). D's verdict over the plane is
`scores(points)` on the points the view chooses.

A mixin of GAN (dlsim/models/gan.py), over its entry points (dlsim/models/gan_api.py).
"""
import numpy as np

from dlsim.protocol.events import Level
from dlsim.models.per_weights import kept

SHOWN = 96     # generated points shown (from the first of the model's fixed evaluation z)
MESH = 11      # z grid lines per axis in G's map (a 1-D z: MESH · 4 points on its line)

INSPECTED = {
    "fakes": f"the fake points G makes from a fixed set of z (up to {SHOWN} of them, (N, 2)): those the plane draws",
    "push": "the push G's gradient gives each of those fakes, −∂L_G/∂x̂ ((N, 2)): the arrow drawn on it",
    "d_real": "D's verdict P(real), averaged over the real points",
    "d_fake": "D's verdict P(real), averaged over G's points (one for each fixed evaluation z)",
    "g_map": f"where G sends a grid of z: ({MESH}, {MESH}, 2) for a 2-D z (rows z₁, columns z₂), "
             f"({4 * MESH}, 2) along a 1-D z",
    "point_xy": "the point being stepped through now, (x, y)",
    "point_kind": "'real' or 'fake': which kind that point is",
    "point_z": "the z that fake point comes from",
    "point_push": "the push G's gradient gives that fake point, −∂L_G/∂x̂ (once its G step has computed it)",
    "point_d": "D's verdict P(real) on that point, as its step's loss used it (once the loss is computed)",
    "point_loss": "that point's loss term, D's or G's (once computed)",
}


def latent_mesh(z_dim: int, latent: str) -> np.ndarray:
    """The z grid of G's map: MESH × MESH points (row-major: z₁ by row, z₂ by column) for a 2-D z,
    4·MESH on a line for a 1-D one, over [−1, 1] (uniform z) or ±2 standard deviations (normal z)."""
    reach = 1.0 if latent == "uniform" else 2.0
    if z_dim == 1:
        return np.ascontiguousarray(np.linspace(-reach, reach, 4 * MESH)[:, None])   # (4·MESH, 1)
    a = np.linspace(-reach, reach, MESH)
    return np.stack(np.meshgrid(a, a, indexing="ij"), axis=-1).reshape(-1, 2)       # (MESH², 2)


class GANPictures:
    inspected = INSPECTED

    def inspect(self, last=None, trace=None) -> dict:
        """What the GAN's pictures show now, by INSPECTED's names (see Model.inspect); the point in
        hand only inside a D or G step."""
        kernels = self.kernels_now()
        out = dict(self._pictures(kernels))
        out.update(self._point_in_hand(last, trace or {}, kernels))
        return out

    def _pictures(self, kernels) -> dict:
        """What depends on the parameters alone, kept until they (or the kernels, or G's loss) change:
        a traced run asks at every event, and most events change no parameter."""
        return kept(self, "_pictures_kept", (kernels.name, self.g_kind()), lambda: self._computed(kernels))

    def _computed(self, kernels) -> dict:
        # (N, 2): one fake per evaluation z, and D's P(real) on the real points and on those fakes;
        # as the evaluation after a run's compiled call computed them, where it did (the same bits)
        every, real, fake = kept(self, "_evaluated_kept", kernels, lambda: self._evaluated(kernels))
        shown = np.ascontiguousarray(self.z_eval[:SHOWN])
        mesh = self._generate(latent_mesh(self.config["z_dim"], self.config["latent"]), kernels)
        if self.config["z_dim"] == 2:
            mesh = mesh.reshape(MESH, MESH, 2)
        pictures = {"fakes": every[:SHOWN].copy(), "push": self._pushes(shown, kernels),
                    "d_real": float(np.mean(real)), "d_fake": float(np.mean(fake)), "g_map": mesh}
        for value in pictures.values():
            if isinstance(value, np.ndarray):
                value.setflags(write=False)   # shared by every caller until the parameters change
        return pictures

    def _evaluated(self, kernels) -> tuple:
        """(fakes of every evaluation z, D's P(real) on the real points, D's P(real) on those fakes)."""
        every = self._generate(self.z_eval, kernels)
        return every, self._verdict(self.X, kernels)[1], self._verdict(every, kernels)[1]

    def _point_in_hand(self, last, trace, kernels) -> dict:
        """The point the last event is about, inside a D or G step: real or fake, the fake's z, and,
        in a G step once D has passed it back, the push D gives it (as the event had it)."""
        plan = self.plan()
        if last is None or last.level >= Level.BATCH or last.phase == "update" or self.sub >= len(plan):
            return {}
        net = plan[self.sub]
        s = self.sample if last.closes < Level.SAMPLE else self.sample - 1   # the cursor has moved on
        if s < 0:
            return {}
        Xb, Zb = self.step_inputs(net)
        scored = _scored(trace, s)
        if net == "D" and s < self.batch:
            return {"point_xy": tuple(float(v) for v in Xb[s]), "point_kind": "real", **scored}
        z = Zb[s - self.batch if net == "D" else s]
        point = self._generate(np.ascontiguousarray(z[None, :]), kernels)[0]
        out = {"point_xy": tuple(float(v) for v in point), "point_kind": "fake", "point_z": tuple(float(v) for v in z),
               **scored}
        pushed = trace.get(("fake_grad", f"gan.fake[{s}]")) if net == "G" else None
        if pushed is not None:
            out["point_push"] = tuple(-float(g) for g in pushed.values["grad"])
        return out


def _scored(trace: dict, s: int) -> dict:
    """D's verdict on point s and its loss term, from its loss event in the step's trace (the numbers
    the step computed: a lesson's {d} and {loss}), once there is one."""
    for (op, _), event in trace.items():
        values = event.values
        if op.endswith("loss") and values.get("point") == s and "d" in values and "loss" in values:
            return {"point_d": float(values["d"]), "point_loss": float(values["loss"])}
    return {}
