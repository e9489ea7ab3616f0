"""`dlsim lesson NAME --headless`: play every step with no screen, as plain text, and check it.

Each step prints its narration, the simulation's key figures, the checks that ran, and its question
answered with the lesson's own answer. Exit 0 when every expectation and prediction holds, 1 at the
first that does not (named with its file:line); a malformed lesson raises LessonError (exit 2).
"""
import sys
import time

from dlsim.lesson.document import Lesson
from dlsim.lesson.player import Player, StepView
from dlsim.lesson.text import fmt, plain
from dlsim.protocol.numbers import count, counted, num
from dlsim.sim import stop
from dlsim.sim.formulas import describe

RULE = "─"
MAX_PARAMS_SHOWN = 12          # numbers; a bigger network is summarised by its metrics alone


def header(lesson: Lesson) -> str:
    about = f"{lesson.network}" + (f" on {lesson.dataset}" if lesson.dataset else "") + f", seed {lesson.seed}"
    if lesson.minutes:
        about += f", about {lesson.minutes} minutes"
    return f"{lesson.title}\n{lesson.name} ({about})"


def figures(player: Player, view: StepView) -> list[str]:
    """The numbers a learner would glance at on screen: counters, metrics, small weights, last op."""
    sim = player.sim
    parts = [f"{sim.model.epoch_word} {count(sim.epoch)}", counted(sim.model.steps, "step")]
    last = sim.history[-1] if sim.history else {}
    live = sim.evaluate()
    metrics = sim.model.metrics   # those of the last epoch first, then those measured now
    for m in metrics:
        if not m.live and m.key not in sim.config and last.get(m.key) is not None:
            parts.append(f"{m.lead(unit=sim.model.epoch_word)} {fmt(last[m.key])}")
    for m in metrics:
        if m.live and live.get(m.key) is not None:
            parts.append(f"{m.brief} {fmt(live[m.key])}")
    if sim.model.converged():
        parts.append("converged")
    if sim.diverged():
        parts.append("diverged")
    lines = [" · ".join(parts)]
    params = sim.model.params
    if sum(v.size for v in params.values()) <= MAX_PARAMS_SHOWN:
        shown = [f"{k} = {fmt(v.item() if v.size == 1 else v)}" for k, v in params.items()]
        while shown:     # as many to a line as fit
            line = shown.pop(0)
            while shown and len(line) + 2 + len(shown[0]) <= 72:
                line += "  " + shown.pop(0)
            lines.append(line)
    if view.events:
        lines.append("last: " + describe(view.events[-1]))
    return lines


def show(view: StepView, player: Player, out) -> None:
    title = f"{view.index + 1}/{view.total}  {view.title} "
    print(f"\n{RULE * 2} {title}{RULE * max(3, 76 - len(title))}", file=out)
    if view.text.strip():
        print(plain(view.text), file=out)
    print(file=out)
    for line in figures(player, view):
        print(f"  │ {line}", file=out)
    if view.highlight is not None:
        print(f"  │ look at: {view.highlight.text}", file=out)
    for outcome in view.outcomes:
        print(f"  {'✓' if outcome.ok else '✗'} {outcome.text}", file=out)


def ask(view: StepView, player: Player, out) -> None:
    cp = view.checkpoint
    print(f"  ? {view.question}  [{' / '.join(cp.choices)}]", file=out)
    grade = player.answer(cp.answer)
    why = f" {view.because}" if view.because else ""
    print(plain(f"→ the lesson's answer: {grade.answer}.{why}", indent="    "), file=out)


def play(lesson: Lesson, trace: str | None = None, out=None) -> int:
    with stop.handled(terminate=True):   # Ctrl+C and SIGTERM: exit 130, the trace whole
        return _play(lesson, trace, out)


def _play(lesson: Lesson, trace: str | None, out) -> int:
    out = out or sys.stdout
    started = time.perf_counter()
    player = Player(lesson)
    writer = None
    if trace:
        from dlsim.console.trace_file import TraceWriter
        writer = TraceWriter(trace)
        writer.header(lesson.network, player.sim.config, player.sim.model.epoch_word)
        player.sim.on_event.append(lambda event: writer.write(event, player.sim))
    print(header(lesson), file=out)
    checks = 0
    try:
        for _ in range(len(player)):
            view = player.next()
            show(view, player, out)
            for outcome in view.outcomes:
                checks += 1
                if not outcome.ok:
                    where = f"{lesson.path}:{outcome.line}"
                    what = "expectation does not hold" if outcome.kind == "expect" else "checkpoint"
                    print(f"\nFAILED at step {view.index + 1}/{view.total}", file=out)
                    print(f"dlsim: lesson failed: {where}: {what}: {outcome.text}", file=sys.stderr)
                    return 1
            if view.checkpoint is not None:
                ask(view, player, out)
    except KeyboardInterrupt:
        if writer:   # the trace's last line says so, in place of the summary
            stop.ignore()
            writer.interrupted(player.sim.model.epoch, player.sim.model.steps)
            writer.close()
            writer = None
        raise
    finally:
        if writer:
            writer.summary(player.sim.summary())
            writer.close()
    wall = time.perf_counter() - started
    asked = sum(1 for s in lesson.steps if s.checkpoint)
    print(f"\npassed: {len(player)} steps, {asked} prediction{'s' * (asked != 1)}, "
          f"{checks} check{'s' * (checks != 1)} held ({num(wall, 1)} s)", file=out)
    if writer:
        print(f"trace: {writer.count} events written to {trace}", file=out)
    return 0
