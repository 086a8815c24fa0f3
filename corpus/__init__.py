"""The bundled demo corpus: the five seed guides, shipped inside the wheel."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def seed_paths() -> list[Path]:
    """Paths of the bundled seed guides, in file-name order."""
    root = files(__name__)
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".txt"))
