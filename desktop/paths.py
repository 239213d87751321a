"""Where the bundled folders live, in a source checkout and in an installed wheel alike."""
from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """Return the top-level folder `name` ("seeds" or "resources").

    A checkout has it beside the package; a wheel carries it as ``desktop/_<name>``.
    """
    for candidate in (_PACKAGE_DIR.parent / name, _PACKAGE_DIR / f"_{name}"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"Newsdesk's bundled '{name}' folder is missing from {_PACKAGE_DIR.parent}")


def seeds_dir() -> Path:
    return bundled_dir("seeds")


def resource_path(*parts: str) -> Path:
    return bundled_dir("resources").joinpath(*parts)
