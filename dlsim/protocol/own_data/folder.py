"""A folder of images, one subfolder of PNGs per class (`shapes/circle/1.png`, `shapes/square/…`):
the class names are the subfolders' names, numbered in sorted order. Every image must have the same
size and colours as the first; one that differs is refused by its path inside the folder."""
from pathlib import Path

import numpy as np

from dlsim.protocol.own_data import png
from dlsim.protocol.own_data.problem import refuse, within

COPIES = 4   # the images as read, scaled, split, and the kernels' own copy


def read(folder: Path, progress=None, budget: int | None = None):
    """(X (N, C, H, W) 0…255 floats, y (N,), class names, the PNG files read)."""
    classes = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        raise refuse(folder, "", "a folder without subfolders; expected one subfolder of .png images per class "
                     "(e.g. circle/ and square/)")
    files = [(k, f) for k, c in enumerate(classes) for f in sorted(c.iterdir())
             if f.is_file() and not f.name.startswith(".")]
    for k, c in enumerate(classes):
        if not any(j == k for j, _ in files):
            raise refuse(folder, f"{c.name}/", "an empty class folder; expected at least one .png image in it")
    strange = [f for _, f in files if f.suffix.lower() != ".png"]
    if strange:
        raise refuse(folder, _inside(folder, strange[0]), "not a .png file; expected only .png images in the "
                     "class folders")
    images, first = [], None
    for n, (k, f) in enumerate(files):
        image = png.read(f, folder, _inside(folder, f))
        if first is None:
            first = (image.shape, f)
            within(budget, len(files) * image.size * 8 * COPIES, folder, "")
        elif image.shape != first[0]:
            raise refuse(folder, _inside(folder, f), f"{_size(image.shape)}; expected {_size(first[0])} like "
                         f"{_inside(folder, first[1])} (every image the same size and colours)")
        images.append(image)
        if progress and n % 64 == 0:
            progress(n, len(files))
    if progress:
        progress(len(files), len(files))
    y = np.array([k for k, _ in files], np.int64)
    return np.stack(images), y, tuple(c.name for c in classes), [f for _, f in files]


def _inside(folder: Path, file: Path) -> str:
    return str(file.relative_to(folder))


def _size(shape) -> str:
    return f"{shape[2]}×{shape[1]} pixels, {'greyscale' if shape[0] == 1 else 'in colour'}"
