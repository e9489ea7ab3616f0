"""Q-learning and the DQN name an environment step as the status line does, from 1: the first step's
draw, move and summary said 'step 0' while the status line said 'st 1' and 'epoch step 1/200' (and the
DQN's same step said 'step 0' when it observed and 'env step 1 done' when it ended)."""
import re

import dlsim


def said_steps(net, ops):
    sim = dlsim.make(net, seed=0)
    said = []
    while len([s for s in said if s[0] == "step"]) < 3:
        e = sim.step("op")
        text = sim.model.formulas[e.op](e) if e.op in sim.model.formulas else ""
        found = re.match(r"(?:env )?step (\d+)", text)
        if e.op in ops and found:
            said.append(("step" if e.op == ops[-1] else "before", int(found.group(1))))
    return said


def test_q_learning_names_its_first_step_step_1():
    said = said_steps("qlearn", ("draw", "step"))
    assert said[:2] == [("before", 1), ("step", 1)] and said[-1] == ("step", 3)


def test_the_dqn_names_one_step_alike_when_it_begins_and_ends():
    said = said_steps("dqn", ("observe", "step"))
    assert said[:4] == [("before", 1), ("step", 1), ("before", 2), ("step", 2)]
