"""Write figures and their tables reproducibly and atomically.

Byte-identical output on every run: PNG and SVG carry no date or software version,
SVG ids use a fixed hash salt (in :data:`analysis.plots.style.STYLE`), CSV floats
use a fixed format. Each file is written to a temporary name in the same folder and
renamed into place, so an interrupted run never leaves half a figure.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from ..paths import figures_dir
from .style import style

__all__ = ["save_figure", "save_table", "atomic_write"]


def atomic_write(path: Path, write) -> Path:
    """Call ``write(tmp_path)`` then rename the temporary file to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path


_METADATA = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def save_figure(
    fig,
    name: str,
    *,
    folder: str | Path | None = None,
    formats: Iterable[str] = ("png", "svg"),
) -> list[Path]:
    """Save a figure reproducibly and atomically, one file per format.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
    name : str
        File stem that says what the figure shows (``"document_lengths"``).
    folder : str or pathlib.Path, optional
        Default :func:`analysis.paths.figures_dir`.
    formats : iterable of {"png", "svg", "pdf"}

    Returns
    -------
    list of pathlib.Path
        The files written.
    """
    if not name or Path(name).name != name or "." in name:
        raise ValueError(f"name={name!r} must be a bare file stem like 'document_lengths'")
    folder = Path(folder) if folder is not None else figures_dir()
    written = []
    with style():
        for fmt in formats:
            if fmt not in _METADATA:
                raise ValueError(f"format {fmt!r} is not supported; use png, svg or pdf")
            path = folder / f"{name}.{fmt}"
            written.append(
                atomic_write(
                    path,
                    lambda tmp, fmt=fmt: fig.savefig(tmp, format=fmt, metadata=_METADATA[fmt]),
                )
            )
    return written


def save_table(table: pd.DataFrame, name: str, *, folder: str | Path | None = None) -> Path:
    """Save the table behind a figure as CSV, reproducibly and atomically.

    Floats are written with 6 significant digits and ``\\n`` line ends, so the
    file is byte-identical across runs and machines.
    """
    if not name or Path(name).name != name or "." in name:
        raise ValueError(f"name={name!r} must be a bare file stem like 'document_lengths'")
    folder = Path(folder) if folder is not None else figures_dir()
    return atomic_write(
        folder / f"{name}.csv",
        lambda tmp: table.to_csv(tmp, index=False, float_format="%.6g", lineterminator="\n"),
    )


