"""Small data files of every kind a learner may bring, written into a test's folder: the own-data
tests read them back through `--data`, `make(data=...)` and the app's picker. Includes a PNG writer
(every filter type) so the PNG reader is checked against files it did not write itself."""
import struct
import zlib
from pathlib import Path

import numpy as np

RNG = np.random.default_rng(7)


def points_csv(folder: Path, name="points.csv", n=60, classes=("inside", "outside")) -> Path:
    X = RNG.uniform(0, 10, (n, 2))
    y = np.where(np.hypot(X[:, 0] - 5, X[:, 1] - 5) < 3, 0, 1)
    rows = "".join(f"{a:.3f},{b:.3f},{classes[c]}\n" for (a, b), c in zip(X, y))
    return write(folder / name, "width,height,label\n" + rows)


def vectors_csv(folder: Path, name="colours.csv", n=40) -> Path:
    rows = "".join(",".join(map(str, r)) + "\n" for r in RNG.integers(0, 256, (n, 3)))
    return write(folder / name, "r,g,b\n" + rows)


def waves_csv(folder: Path, name="waves.csv", n=24, steps=12) -> Path:
    t = np.arange(steps)
    rows = "".join(",".join(f"{v:.4f}" for v in 3 * np.sin(0.4 * t + RNG.uniform(0, 6))) + "\n" for _ in range(n))
    return write(folder / name, ",".join(f"t{k}" for k in t) + "\n" + rows)


def labelled_sequences_csv(folder: Path, name="bits.csv", n=24, steps=8) -> Path:
    lines = []
    for k in range(n):
        v = RNG.normal(0, 1, steps)
        v[0] = 2 * (k % 2) - 1
        lines.append(",".join(f"{x:.3f}" for x in v) + f",{'high' if k % 2 else 'low'}")
    return write(folder / name, ",".join(f"t{k}" for k in range(steps)) + ",label\n" + "\n".join(lines) + "\n")


def bar_images(n=24, side=8):
    X = np.zeros((n, side, side), np.uint8)
    y = np.arange(n) % 2
    for i in range(n):
        if y[i]:
            X[i, :, RNG.integers(0, side)] = 255
        else:
            X[i, RNG.integers(0, side), :] = 255
    return X, y


def images_npz(folder: Path, name="bars.npz") -> Path:
    X, y = bar_images()
    np.savez(folder / name, X=X, y=y)
    return folder / name


def png_folder(folder: Path, name="bars", colour=False) -> Path:
    X, y = bar_images(12)
    for i, (image, label) in enumerate(zip(X, y)):
        cls = folder / name / ("vertical" if label else "horizontal")
        cls.mkdir(parents=True, exist_ok=True)
        pixels = np.stack([image, image // 2, 255 - image], axis=-1) if colour else image
        write_png(cls / f"{i}.png", pixels, filter_type=i % 5)
    return folder / name


def points_npz(folder: Path, name="points.npz") -> Path:
    X = RNG.normal(0, 1, (40, 2))
    np.savez(folder / name, X=X, y=(X[:, 0] * X[:, 1] > 0).astype(np.int64))
    return folder / name


def vectors_npy(folder: Path, name="flowers.npy") -> Path:
    np.save(folder / name, RNG.uniform(0, 8, (40, 4)))
    return folder / name


def sequences_npz(folder: Path, name="pairs.npz") -> Path:
    X = RNG.normal(0, 1, (24, 6, 2))   # (N, T, F): two features a step
    np.savez(folder / name, X=X, y=(X[:, 0, 0] > 0).astype(np.int64))
    return folder / name


def text_file(folder: Path, name="rhyme.txt") -> Path:
    return write(folder / name, "twinkle twinkle little star\nhow I wonder what you are\n" * 4)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def write_png(path: Path, pixels: np.ndarray, filter_type: int = 0) -> None:
    """An 8-bit greyscale (H, W) or RGB (H, W, 3) PNG, every row written with `filter_type` (0–4)."""
    pixels = np.asarray(pixels, np.uint8)
    colour = 2 if pixels.ndim == 3 else 0
    bpp = 3 if colour == 2 else 1
    h, w = pixels.shape[:2]
    rows, prior = [], np.zeros(w * bpp, np.int64)
    for r in range(h):
        line = pixels[r].reshape(-1).astype(np.int64)
        left = np.concatenate([np.zeros(bpp, np.int64), line[:-bpp]])
        upleft = np.concatenate([np.zeros(bpp, np.int64), prior[:-bpp]])
        if filter_type == 0:
            out = line
        elif filter_type == 1:
            out = line - left
        elif filter_type == 2:
            out = line - prior
        elif filter_type == 3:
            out = line - (left + prior) // 2
        else:
            p = left + prior - upleft
            pa, pb, pc = abs(p - left), abs(p - prior), abs(p - upleft)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, prior, upleft))
            out = line - pred
        rows.append(bytes([filter_type]) + bytes((out % 256).astype(np.uint8)))
        prior = line

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", w, h, 8, colour, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows)))
                     + chunk(b"IEND", b""))
