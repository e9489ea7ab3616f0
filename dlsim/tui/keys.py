"""The keys, one table for every network: the screens bind them, the help screen and the README
list them. All are priority bindings: → and ← step whatever has focus, and keys pressed in quick
succession (2 then →) are handled in the order they were pressed. The footer shows the keys for
stepping and playing (all of them fit at 80 columns); ? lists every key."""
from textual.binding import Binding

from dlsim.protocol.events import Level

STEPPING = [
    Binding("question_mark,f1", "help", "help", key_display="?", priority=True),
    Binding("right", "step", "step", priority=True, tooltip="step forward at the current level"),
    Binding("left", "back", "back", priority=True, tooltip="step back at the current level (exact)"),
    *[Binding(str(level.value + 1), f"level('{level.name.lower()}')", "level",
              key_display="1-5", show=level == Level.OP, priority=True,
              tooltip="1 op · 2 layer · 3 sample · 4 batch · 5 epoch") for level in Level],
    Binding("space", "play", "play", priority=True),
    Binding("f", "full_speed", "full", priority=True, tooltip="play at full speed"),
    Binding("plus,equals_sign", "faster", "faster", key_display="+", priority=True),
    Binding("minus", "slower", "slower", key_display="-", priority=True),
    Binding("r", "reset", "reset", show=False, priority=True),   # in ? help: the footer fits 80
    Binding("l", "learning_rate", "lr", show=False, priority=True),
    Binding("t", "cycle_parts", "train", show=False, priority=True),
    Binding("d", "next_dataset", "data", show=False, priority=True),
    Binding("o", "options", "options", show=False, priority=True),
    Binding("w", "focus_weights", "weights", show=False, priority=True),
    Binding("e", "edit_weight", "edit", show=False, priority=True),
    Binding("escape", "home", "home", show=False, priority=True),
    # saved sessions (dlsim.tui.screens.session_files)
    Binding("S", "save_session", "save", show=False, priority=True),
    Binding("O", "open_session", "open", show=False, priority=True),
]

# For the help screen and the README: (keys, what they do).
TABLE = [
    ("→ / ←", "step forward / back at the current level (exact rewind), whatever has focus"),
    ("1 2 3 4 5", "level: op, layer, sample, batch, epoch"),
    ("space", "play / pause, at a speed you can watch at the current level (2 ops/s … 10 epochs/s)"),
    ("f", "full speed: train on the compiled path in a worker thread (space pauses)"),
    ("+ / -", "faster / slower: slow motion (2 ops/s) … 10 epochs/s … full speed"),
    ("r", "reset: rebuild the network from its seed"),
    ("l", "set the learning rate (applies live, even while running)"),
    ("t", "which part trains, in a network of parts (a GAN: both, then only D, then only G)"),
    ("d", "next dataset"),
    ("o", "options: dataset, noise, learning rate, activation, hidden sizes, optimizer, batch, seed…"),
    ("w", "focus the weight heatmap; then ↑ ↓ rows, ⇧← ⇧→ columns, PgUp PgDn layers"),
    ("e / Enter", "edit the selected weight by hand"),
    ("click", "select a weight in the heatmap, or a layer tab"),
    ("S / O", "save the session to a .dlsim file / open one (dlsim open FILE does too)"),
    ("? / F1", "this help"),
    ("Ctrl+P", "command palette: every action, and set any option"),
    ("Esc", "back to the home screen (closes a dialog)"),
    ("q / Ctrl+Q", "quit"),
]
