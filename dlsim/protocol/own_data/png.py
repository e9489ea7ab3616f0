"""A small PNG reader on the standard library's zlib, so that a folder of images needs no imaging
package: 8-bit (or 16-bit) greyscale, grey with alpha, RGB, RGBA and palette images, not interlaced
— what image editors and `matplotlib.pyplot.imsave` write. Alpha is dropped; anything else is
refused in one line naming the file."""
import struct
import zlib
from pathlib import Path

import numpy as np

from dlsim.protocol.own_data.problem import refuse

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}   # colour type -> samples per pixel
KEPT = {0: 1, 2: 3, 3: 3, 4: 1, 6: 3}       # channels kept: alpha dropped, a palette looked up
MOST_PIXELS = 4096 * 4096


def read(path: Path, label, where: str = "") -> np.ndarray:
    """(channels, H, W) floats: 0…255 (or 0…65535 at 16 bits) as stored; `label` and `where` name it in
    messages as `refuse` does (a folder, and the image's path inside it)."""
    data = path.read_bytes()
    if not data.startswith(SIGNATURE):
        raise refuse(label, where, "not a PNG image (its first bytes are not PNG's signature); expected .png files only")
    chunks, at, palette = [], len(SIGNATURE), None
    header = None
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if len(body) < length:
            break
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"PLTE":
            palette = np.frombuffer(body, np.uint8).reshape(-1, 3)
        elif kind == b"IDAT":
            chunks.append(body)
        elif kind == b"IEND":
            break
        at += 12 + length
    if header is None or not chunks:
        raise refuse(label, where, "a damaged PNG (no image header or no image data); expected a whole .png file")
    width, height, depth, colour, _, _, interlace = header
    if colour not in CHANNELS or depth not in (8, 16) or interlace or (colour == 3 and palette is None):
        raise refuse(label, where, f"a PNG of a kind this reader does not take (colour type {colour}, {depth}-bit"
                     f"{', interlaced' if interlace else ''}); expected 8-bit greyscale, RGB or RGBA, not interlaced")
    if width * height > MOST_PIXELS or not width or not height:
        raise refuse(label, where, f"{width}×{height} pixels; expected a small image (the CNN reads each pixel)")
    pixel = CHANNELS[colour] * depth // 8
    stride = width * pixel
    try:   # no more than the image needs: a few bytes may inflate to gigabytes
        raw = zlib.decompressobj().decompress(b"".join(chunks), height * (stride + 1))
    except zlib.error:
        raise refuse(label, where, "a damaged PNG (its image data does not decompress); expected a whole .png file") from None
    if len(raw) < height * (stride + 1):
        raise refuse(label, where, "a damaged PNG (its image data is too short); expected a whole .png file")
    rows = _unfilter(np.frombuffer(raw, np.uint8)[:height * (stride + 1)].reshape(height, stride + 1), pixel, label, where)
    if depth == 16:
        image = rows.reshape(height, width * CHANNELS[colour], 2).astype(np.uint16)
        image = (image[..., 0] << 8 | image[..., 1]).reshape(height, width, CHANNELS[colour])
    else:
        image = rows.reshape(height, width, CHANNELS[colour])
    if colour == 3:
        index = image[..., 0]
        if index.max() >= len(palette):
            raise refuse(label, where, "a damaged PNG (a pixel names a colour its palette lacks)")
        image = palette[index]
    return np.moveaxis(image[..., :KEPT[colour]], -1, 0).astype(np.float64)


def _unfilter(rows: np.ndarray, bpp: int, label, where: str) -> np.ndarray:
    """The scanlines with PNG's per-row filters undone (the spec's section 9)."""
    out = np.zeros((rows.shape[0], rows.shape[1] - 1), np.int64)
    prior = np.zeros(out.shape[1], np.int64)
    for r, row in enumerate(rows):
        kind, line = int(row[0]), row[1:].astype(np.int64)
        if kind == 0:
            cur = line
        elif kind == 1:
            cur = np.cumsum(line.reshape(-1, bpp), axis=0).ravel() % 256
        elif kind == 2:
            cur = (line + prior) % 256
        elif kind in (3, 4):
            cur = _sequential(line.tolist(), prior.tolist(), bpp, kind)
        else:
            raise refuse(label, where, f"a damaged PNG (row {r} has filter type {kind}; PNG has 0–4)")
        out[r] = cur
        prior = out[r]
    return out.astype(np.uint8)


def _sequential(line: list, prior: list, bpp: int, kind: int) -> np.ndarray:
    cur = [0] * len(line)
    for i, x in enumerate(line):
        a = cur[i - bpp] if i >= bpp else 0
        b, c = prior[i], (prior[i - bpp] if i >= bpp else 0)
        if kind == 3:
            cur[i] = (x + (a + b) // 2) % 256
        else:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            cur[i] = (x + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) % 256
    return np.array(cur, np.int64)
