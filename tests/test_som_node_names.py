"""A SOM node is named one way: by its place on the grid, as its event path (som.node[2,7]), the
lessons and the math panel name it — never by its row-major number ('BMU node 27')."""
import re

import dlsim
from dlsim.protocol.events import Level
from dlsim.sim.formulas import describe


def test_the_math_lines_name_the_bmu_and_runner_up_as_the_event_path_does():
    sim = dlsim.make("som", seed=0, rows=4, cols=6)
    bmu = sim.step(Level.LAYER)   # the search: every distance, then the BMU
    assert bmu.op == "bmu"
    r, c = re.search(r"node\[(\d+),(\d+)\]", bmu.path).groups()
    line = describe(bmu)
    assert f": node [{r},{c}] at distance" in line, line
    j = bmu.values["runner_up"]
    assert f"runner-up node [{j // 6},{j % 6}] at" in line, line
    done = sim.step(Level.SAMPLE)
    assert done.op == "step"
    assert f"BMU node [{r},{c}] at" in describe(done), describe(done)
    assert re.search(r"node \d+\b", line + describe(done)) is None
