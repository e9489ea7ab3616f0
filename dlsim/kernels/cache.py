"""Where compiled kernels are kept on disk, under a name that changes whenever any kernel source does.

Numba's own cache keys each function on its own file only, but a kernel inlines helpers from other
files (mlp.py splices in losses.py's δ), and pip leaves old cache files behind in site-packages, so
an edit or an upgrade that changed only a helper kept running the old machine code. Here every
kernel's compiled code lives in one directory named after a hash of all of dlsim/kernels/*.py and
dlsim's version: change any of them and the next run finds an empty directory and compiles afresh.
Identical sources share one directory, whichever checkout or install they come from.

The directory is $DLSIM_CACHE_DIR, else $XDG_CACHE_HOME/dlsim, else ~/.cache/dlsim. When it cannot
be written, kernels are compiled in memory on every start (slow, still correct) and `problem` says why.
No numba import here: the app asks this module what to say before the compiler is loaded.
"""
import hashlib
import os
import shutil
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

from dlsim.version import __version__

KERNELS = Path(__file__).resolve().parent
PRUNE_AFTER = 30 * 24 * 3600   # seconds unused after which another version's directory is deleted


def root() -> Path:
    """The directory that holds one subdirectory per version of the kernel sources."""
    if os.environ.get("DLSIM_CACHE_DIR"):
        return Path(os.environ["DLSIM_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "dlsim"


@cache
def key() -> str:
    """A hash of dlsim's version, the text of every kernel source file, and whether Numba checks
    bounds (NUMBA_BOUNDSCHECK: its own cache does not tell checked machine code from unchecked, so a
    checked run, as the test suite's, keeps its kernels apart from everyone else's)."""
    digest = hashlib.sha256(__version__.encode())
    if os.environ.get("NUMBA_BOUNDSCHECK", "").strip() not in ("", "0"):
        digest.update(b"boundscheck\0")
    for source in sorted(KERNELS.glob("*.py")):
        digest.update(source.name.encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


problem: str | None = None   # why compiled kernels are not being kept, when they are not


@cache
def directory() -> Path | None:
    """This version's cache directory, made and checked writable; None (see `problem`) if it cannot be."""
    global problem
    where = root() / f"kernels-{key()}"
    fresh = not where.exists()
    try:
        where.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=where).close()
        os.utime(where)   # marks it in use, so that pruning spares it
    except OSError as error:
        problem = (f"not cached: cannot write to {where}: {error.strerror or error}; "
                   "set DLSIM_CACHE_DIR to a writable directory")
        return None
    if fresh:
        _prune(where)
    return where


def _prune(keep: Path) -> None:
    """Delete other versions' directories that no run has used for PRUNE_AFTER (each is a few MB)."""
    now = time.time()
    for other in keep.parent.glob("kernels-*"):
        try:
            if other != keep and now - other.stat().st_mtime > PRUNE_AFTER:
                shutil.rmtree(other)
        except OSError:
            pass   # another process's, or already gone: it is only a cache


def _marker(name: str) -> Path | None:
    where = directory()
    return where / f"ready-{name}-{sys.implementation.cache_tag}" if where else None


def ready(name: str, toolchain: str | None = None) -> bool:
    """Whether a warm-up of network `name` has filled this directory (with this `toolchain`, if given)."""
    marker = _marker(name)
    try:
        return marker is not None and (marker.read_text() == toolchain if toolchain else marker.exists())
    except OSError:
        return False


def mark_ready(name: str, toolchain: str) -> None:
    """Record that every kernel network `name` uses is now in the cache, compiled by `toolchain`."""
    marker = _marker(name)
    if marker is not None:
        try:
            marker.write_text(toolchain)
        except OSError:
            pass   # the next start compiles in a child process again: slower, never wrong
