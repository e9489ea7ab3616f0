"""Where the lesson files and assets are: inside an installed wheel, or beside the package in a checkout."""
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE.parent / name


def lessons_dir() -> Path:
    return _find("lessons")


def assets_dir() -> Path:
    return _find("assets")
