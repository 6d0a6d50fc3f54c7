"""Shipped resource files and their loaders.

Every list the analysis depends on (stopwords, abbreviations, and later aliases,
lexicons and codebooks) is a plain text, CSV or YAML file in this folder, written
for the project, with its provenance in the file header and in ``README.md``.
Nothing is downloaded at run time.

Examples
--------
>>> "dell'" in wordlist("stopwords_it")
True
>>> "sig." in wordlist("abbreviations_it")
True
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

__all__ = ["RESOURCES_DIR", "resource_path", "wordlist"]

RESOURCES_DIR = Path(__file__).resolve().parent


def resource_path(name: str) -> Path:
    """Return the path of a shipped resource file, checking that it exists.

    Parameters
    ----------
    name : str
        File name inside ``analysis/resources/``.

    Returns
    -------
    pathlib.Path
    """
    path = RESOURCES_DIR / name
    if not path.is_file():
        available = sorted(p.name for p in RESOURCES_DIR.iterdir() if p.is_file())
        raise FileNotFoundError(
            f"resource file {path} does not exist; available: {', '.join(available)}"
        )
    return path


@lru_cache(maxsize=None)
def wordlist(name: str) -> frozenset[str]:
    """Load a one-entry-per-line word list (``#`` starts a comment line).

    Parameters
    ----------
    name : str
        The file stem inside ``analysis/resources/`` (``.txt`` is added).

    Returns
    -------
    frozenset of str
        The entries, stripped, lowercase as written in the file.

    Raises
    ------
    ValueError
        If a line has inner whitespace or upper case, naming the file and line.
    """
    path = resource_path(f"{name}.txt")
    entries = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        entry = line.strip()
        if not entry or entry.startswith("#"):
            continue
        if any(c.isspace() for c in entry) or entry != entry.lower():
            raise ValueError(
                f"{path}, line {lineno}: {entry!r} is not a single lowercase entry; "
                "write one lowercase word per line"
            )
        entries.add(entry)
    return frozenset(entries)
