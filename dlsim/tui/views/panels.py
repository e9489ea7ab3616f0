"""The opt-in panels a view composes, each with its usual id (the stylesheet sizes them by it) and
title. A view that composes one answers its questions (NetworkView.graph, .matrices, …)."""
from dlsim.tui.widgets.curves import Curves
from dlsim.tui.widgets.data.decision import DecisionPlot
from dlsim.tui.widgets.network.graph import NetworkGraph
from dlsim.tui.widgets.network.neuron_maps import NeuronMaps
from dlsim.tui.widgets.network.weights import WeightsPanel
from dlsim.tui.widgets.panel import Panel, Titles


def titled(panel, title: Titles):
    """The panel with its border title: a text, or its forms from the fullest to the shortest, of
    which a panel shows the first that fits (Panel.set_titles)."""
    if isinstance(panel, Panel):
        panel.set_titles(title)
    else:
        panel.border_title = title if isinstance(title, str) else title[0]
    return panel


def curves(view, title: Titles | None = None) -> Curves:
    """The minimal view's one panel: the view's charts over the epochs (titled by the view's
    curves_title: a text or its forms)."""
    return titled(Curves(view, view.shown_charts(), id="curves"), view.curves_title if title is None else title)


def network_graph(view, title: Titles = "network") -> NetworkGraph:
    """Neurons in columns, joined by their weights (asks view.graph)."""
    return titled(NetworkGraph(view, id="graph"), title)


def weight_heatmap(view, title: Titles = "weights") -> WeightsPanel:
    """A heatmap per weight matrix, with the inspector of the selected weight; w focuses it and e
    edits the selection (asks view.matrices and view.shown_layer)."""
    return titled(WeightsPanel(view, id="weights"), title)


def decision_surface(view, title: str = "data · classes o 0 · x 1") -> DecisionPlot:
    """The 2-D data over the model's class-1 score (the view mixes in DecisionSurface)."""
    return titled(DecisionPlot(view, id="decision"), title)


def neuron_maps(view) -> NeuronMaps:
    """A map per neuron of the shown layer over the input plane (over_grid's "units")."""
    return NeuronMaps(view, id="neurons")
