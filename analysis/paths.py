"""Project paths, found from the package file so every caller agrees.

JupyterLab, ``make figures``, the tests and the notebook runner may all start in
different working directories; they all ask this module where things are.

Examples
--------
>>> from analysis import paths
>>> paths.PROJECT_ROOT.joinpath("analysis").is_dir()
True
>>> paths.SEEDS_DIR.name
'seeds'
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = [
    "PROJECT_ROOT",
    "SEEDS_DIR",
    "RESOURCES_DIR",
    "NOTEBOOKS_DIR",
    "figures_dir",
]

#: The repository root: the folder that holds ``analysis/``.
PROJECT_ROOT: Path = Path(__file__).resolve().parent.parent

#: The read-only seed corpus.
SEEDS_DIR: Path = PROJECT_ROOT / "seeds"

#: Shipped resource files (stopwords, abbreviations, aliases, lexicons).
RESOURCES_DIR: Path = Path(__file__).resolve().parent / "resources"

#: The numbered notebooks.
NOTEBOOKS_DIR: Path = PROJECT_ROOT / "notebooks"

#: Environment variable that redirects figure output (the tests use it so that
#: running the notebooks never rewrites the committed ``figures/``).
FIGURES_ENV = "ANALYSIS_FIGURES_DIR"


def figures_dir() -> Path:
    """Return the folder figures are written to.

    ``figures/`` at the project root, unless the environment variable
    ``ANALYSIS_FIGURES_DIR`` names another folder. The folder is not created
    here; writers create it when they write.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> figures_dir().name in {"figures"} or "ANALYSIS_FIGURES_DIR" in os.environ
    True
    """
    override = os.environ.get(FIGURES_ENV)
    if override:
        return Path(override).expanduser().resolve()
    return PROJECT_ROOT / "figures"
