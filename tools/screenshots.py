"""Write the README's screenshots (SVG, exported by Textual): `python tools/screenshots.py [DIR]`.

Every picture is a fixed seed and a fixed sequence of keys, so running this again redraws the same
scenes (the trained ones differ only where compiled-path timing decides chunk sizes: never).
"""
import asyncio
import os
import sys
import tempfile
from pathlib import Path

import dlsim
from dlsim.data_files import assets_dir
from dlsim.sim import warmup
from dlsim.tui.app import DlsimApp
from dlsim.tui.lesson_session import open_lesson
from dlsim.tui.session import Session
from dlsim.tui.views import views

SCENES = [
    # (file, size, model or None or "lesson:NAME", options, epochs trained first, keys); a key
    # "focus:SELECTOR" focuses that widget, as a click would
    ("home", (100, 30), None, {}, 0, []),
    ("mlp-forward", (120, 40), "mlp", {"hidden": [4, 3], "dataset": "circle"}, 0,
     ["5", "right", "1", "right", "right", "right", "right"]),
    ("mlp-backward", (120, 40), "mlp", {"dataset": "xor"}, 0,
     ["5", "right", "right", "2", *["right"] * 5, "1", "right", "w", "down", "down"]),
    ("mlp-spiral-trained", (120, 40), "mlp", {"dataset": "spiral"}, 6000, ["5", "right"]),
    # the learnt spiral at two pixels per cell, and beside it the second hidden layer's sixteen maps
    ("mlp-neurons", (120, 40), "mlp", {"dataset": "spiral", "optimizer": "adam", "lr": 0.03}, 1000,
     ["w", "pagedown", "1", "right"]),
    ("mlp-diverged", (120, 40), "mlp", {"dataset": "spiral"}, 3000,
     ["l", "ctrl+u", "ctrl+k", "5", "0", "enter", "5", "right", "right", "right", "right"]),
    ("perceptron", (120, 40), "perceptron", {"dataset": "or"}, 0, ["3", "right", "right", "1", "right"]),
    ("mlp-compact-80x24", (80, 24), "mlp", {"dataset": "moons"}, 500, ["2", "right", "right"]),
    ("lesson", (120, 40), "lesson:perceptron-and", {}, 0, ["n", "b", "n", "b"]),
    ("som-colours", (120, 40), "som", {}, 12, ["3", "right", "2", "right", "1", "right", "right", "right"]),
    # the grid drawn over the data: nodes joined by their links, the BMU and the nodes within σ
    ("som-grid", (120, 40), "som", {"dataset": "moons", "rows": 6, "cols": 6, "sigma": 2.0,
                                    "topology": "hexagonal"}, 2,
     ["3", "right", "right", "right", "2", "right", "1", "right", "right", "right"]),
    ("cnn-digits", (120, 40), "cnn", {"dataset": "digits", "samples": 600, "optimizer": "adam", "lr": 0.01}, 5,
     ["3", "right", "1", *["right"] * 17]),
    # a feature map's cell chosen on the stage: its z and a = relu(z), read from the model
    ("cnn-cell", (120, 40), "cnn", {"dataset": "digits", "samples": 600, "optimizer": "adam", "lr": 0.01}, 5,
     ["5", "right", "3", "right", "focus:StagePanel", "down", "down", "shift+right"]),
    # the RNN after 20 epochs on sine waves, eight time steps into a sequence's forward pass
    ("rnn-sine", (120, 40), "rnn", {}, 20, ["3", "right", "2", *["right"] * 8]),
    # the LSTM after 20 epochs on remember-the-first-bit (20 noise steps), 14 steps back into BPTT
    ("lstm-first-bit", (120, 40), "lstm", {}, 20, ["3", "right", "2", *["right"] * 35]),
    # the cell diagram of unit 2 at a step of a sequence's forward pass, picked in the timeline
    ("lstm-cell", (120, 40), "lstm", {}, 20,
     ["4", "right", "2", *["right"] * 6, "focus:#graph", "down", "shift+left"]),
    # a D step, then a G step layer by layer up to the push D gives its first fake point
    ("gan-ring", (120, 40), "gan", {}, 600, ["4", "right", "2", *["right"] * 10]),
]


async def shoot(name, size, model, options, epochs, keys, folder: Path) -> Path:
    session = lesson = None
    if model and model.startswith("lesson:"):
        lesson = open_lesson(model.split(":", 1)[1])
    elif model:
        sim = dlsim.make(model, seed=0, **options)
        if epochs:
            sim.train(epochs=epochs)
        session = Session(sim)
    app = DlsimApp(session, prewarm=False, lesson=lesson)
    async with app.run_test(size=size) as pilot:
        await pilot.pause(0.2)
        for key in keys:
            if key.startswith("focus:"):
                app.screen.query_one(key.split(":", 1)[1]).focus()
            else:
                await pilot.press(key)
        await pilot.pause(0.3)
        path = folder / f"{name}.svg"
        app.save_screenshot(str(path))
    return path


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else assets_dir() / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["DLSIM_DATA_DIR"] = tempfile.mkdtemp()   # no one's lesson progress in the pictures
    for name in views():   # every registered network the app shows
        warmup.warm(name)
    for scene in SCENES:
        print(asyncio.run(shoot(*scene, folder)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
