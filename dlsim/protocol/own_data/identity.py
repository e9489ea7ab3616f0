"""What names a learner's data for good: its path and a SHA-256 of its bytes. A saved session stores
it, and on opening can tell whether the file is still the one it was trained on."""
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CHUNK = 1 << 20


@dataclass(frozen=True)
class Identity:
    path: str | None     # absolute path; None for arrays handed over in Python
    sha256: str          # of the file's bytes; a folder: of each file's relative path and bytes, sorted
    bytes: int

    def as_dict(self) -> dict:
        return {"path": self.path, "sha256": self.sha256, "bytes": self.bytes}


def of_file(path: Path) -> Identity:
    digest, total = hashlib.sha256(), 0
    with open(path, "rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
            total += len(block)
    return Identity(str(path.resolve()), digest.hexdigest(), total)


def of_files(folder: Path, files: list[Path]) -> Identity:
    digest, total = hashlib.sha256(), 0
    for file in sorted(files):
        data = file.read_bytes()
        digest.update(str(file.relative_to(folder)).encode() + b"\0" + len(data).to_bytes(8, "little"))
        digest.update(data)
        total += len(data)
    return Identity(str(folder.resolve()), digest.hexdigest(), total)


def of_arrays(*arrays: np.ndarray) -> Identity:
    digest, total = hashlib.sha256(), 0
    for a in arrays:
        a = np.ascontiguousarray(a)
        digest.update(f"{a.dtype.str}{a.shape}".encode())
        digest.update(a.tobytes())
        total += a.nbytes
    return Identity(None, digest.hexdigest(), total)
