"""How long the pictures take to draw, each panel on its own (a timing script, not a test):
`python -m tests.tui.draw_timing`. Prints the median and p95 in ms, per terminal size, of computing
a frame's extras (the forward pass over the grid, with new weights and with unchanged ones) and of
each panel's draw (rows → strips)."""
import asyncio
import time

import numpy as np

import dlsim
from dlsim.sim import warmup
from dlsim.tui.app import DlsimApp
from dlsim.tui.session import Session
from dlsim.tui.widgets.data.decision import DecisionPlot
from dlsim.tui.widgets.network.graph import NetworkGraph
from dlsim.tui.widgets.network.neuron_maps import NeuronMaps
from dlsim.tui.widgets.network.weights import WeightsPanel

REPEAT = 200


def _ms(samples: list[float]) -> str:
    a = np.array(samples) * 1000
    return f"median {np.median(a):6.2f} ms   p95 {np.percentile(a, 95):6.2f} ms"


def _time(fn) -> list[float]:
    out = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


async def measure(size: tuple[int, int]) -> None:
    sim = dlsim.make("mlp", seed=0, dataset="spiral")
    sim.train(epochs=300)
    app = DlsimApp(Session(sim), prewarm=False)
    async with app.run_test(size=size) as pilot:
        await pilot.press("1", "right", "right")
        await pilot.pause(0.2)
        view = app.screen.simview
        session, extras = view.session, view.view.extras
        theta = session.model.theta

        def changed():
            theta[0] += 1e-9   # new weights: the grid is computed again
            session.frame(extras)
        print(f"{size[0]}×{size[1]}")
        print(f"  frame, weights changed   {_ms(_time(changed))}")
        print(f"  frame, weights unchanged {_ms(_time(lambda: session.frame(extras)))}")
        frame = session.frame(extras)
        for cls in (DecisionPlot, NeuronMaps, WeightsPanel, NetworkGraph):
            panel = app.screen.query_one(cls)
            print(f"  {cls.__name__:<24} {_ms(_time(lambda: panel.draw(frame, view.ui)))}  ({panel.size.width}×{panel.size.height})")


def main() -> None:
    warmup.warm("mlp")
    for size in ((80, 24), (120, 40)):
        asyncio.run(measure(size))


if __name__ == "__main__":
    main()
