"""Changing a simulation from the screen: options (validated, never a crash), weights by hand,
reset, the selected weight. A mixin of SimView."""
from dlsim.errors import UserError
from dlsim.tui.long_runs import Asked, AskFirst
from dlsim.protocol.numbers import num
from dlsim.tui.screens.options import show
from dlsim.tui.widgets.network.weights import selected_name


def told(value) -> str:
    """An option's new value as the notice tells it: a number by the one rule (lr = 2.000, as the
    status line and the math panel write it), layer sizes as the options form shows them (8,8)."""
    if isinstance(value, float):
        return num(value)
    return show(value)


class Editing:
    def set_option(self, name: str, raw) -> str | None:
        """Apply an option; returns the reason if it was refused (and changes nothing then)."""
        option = next((o for o in self.session.sim.cls.options if o.name == name), None)
        if option is None:
            return f"unknown option '{name}'"
        try:
            value = option.value(raw)
        except UserError as error:
            return str(error)
        if option.live and self.runner is not None:
            self.runner.call(lambda: self.session.set_option(name, value))
            self.ui.notice = f"{name} = {told(value)} (applies now, while running)"
            return None
        if self.runner is not None or self._busy is not None:   # pause (or let the step end), then rebuild
            self._when_free(lambda: self._report(self.set_option(name, value)))
            return None
        try:
            rebuilt = self._long_runs().attempt((name, value), lambda forced: self._rebuild(name, value, forced))
        except UserError as error:
            return error.args[0] if isinstance(error.args[0], Asked) else str(error)
        if rebuilt:
            self.ui.selected, self.ui.layer = None, None
            self.screen.refresh_bindings()   # the keys offered (check_action) may differ now
        self.ui.notice = f"{name} = {told(value)}" + (": rebuilt the network" if rebuilt else ": applies from now on")
        self.redraw()
        return None

    def _long_runs(self) -> AskFirst:
        if getattr(self, "_asker", None) is None:
            self._asker = AskFirst()
        return self._asker

    def _rebuild(self, name: str, value, forced: bool) -> bool:
        """Set the option; `forced`: the learner said yes to a long run (the simulation keeps it)."""
        sim = self.session.sim
        if forced:
            sim.force = True
        return self.session.set_option(name, value)

    def set_weight(self, name: str, index: tuple, raw) -> str | None:
        try:
            value = float(str(raw).replace("−", "-"))
        except ValueError:
            return f"'{raw}' is not a number"
        if self._busy is not None:   # a step in a thread owns the session: typed in once it is done
            self._when_free(lambda: self._report(self.set_weight(name, index, raw)))
            return None
        try:
            self.session.set_weight(name, index, value, label=self.weight_label((name, index)))
        except UserError as error:
            return str(error)
        self.ui.notice = f"{self.weight_label((name, index))} set to {num(value, 6)} by hand"
        self.redraw()
        return None

    def weight_label(self, element: tuple[str, tuple]) -> str:
        """A weight's name as the heatmap shows its cell ("Wh_i[0,1]" where the LSTM stores Wh[9,0])."""
        matrices = getattr(self.view, "matrices", None)   # a view without a heatmap names it as stored
        shown = matrices(self.frame, self.ui) if matrices is not None and self.frame is not None else []
        return selected_name(shown, element, self.ui.layer)

    def _report(self, problem: str | None) -> None:
        if problem:
            self.ui.notice = problem
            self.repaint()

    def on_weights_panel_selected(self, message) -> None:
        message.stop()
        self.select(message.element, message.layer)

    def reset(self) -> None:
        def go():
            self.session.reset()
            self.ui.selected, self.ui.layer, self.ui.notice = None, None, "reset: rebuilt from the seed"
            self.redraw()
            self.post_message(self.Stepped(None))
        self._when_free(go)

    def select_first(self) -> None:
        """Select the first weight of the matrix the heatmap shows (none without a heatmap)."""
        if self.frame is None or self.heatmap() is None:
            return
        matrices = self.view.matrices(self.frame, self.ui)
        if matrices:
            layer = self.view.shown_layer(self.frame, self.ui, len(matrices))
            self.select(matrices[layer].element(0, 0), layer)

    def select(self, element: tuple[str, tuple] | None, layer: int | None = None) -> None:
        self.ui.selected, self.ui.layer = element, layer
        self.repaint()
