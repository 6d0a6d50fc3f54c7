#!/usr/bin/env python3
"""Execute the project's notebooks headless, in order, without modifying them.

The notebooks compute nothing themselves: they call the ``analysis`` package,
which writes figures into ``figures/`` (or into ``$ANALYSIS_FIGURES_DIR`` when
that variable is set). This runner only drives them.

Each notebook is read, executed in memory with the ``python3`` kernel and with
``notebooks/`` as working directory, and never written back, so the committed
file keeps no outputs. With ``--save-dir`` the executed copy is also written
there (``make figures`` uses ``build/notebooks/``, which git ignores).

Usage::

    python scripts/run_notebooks.py [--save-dir DIR] [--timeout SECONDS]
                                    [--kernel NAME] [NOTEBOOK ...]

Without NOTEBOOK arguments every ``notebooks/NN-*.ipynb`` runs, sorted by name.
The exit status is non-zero if a notebook fails; the message names the
notebook and the cell.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NUMBERED = "[0-9][0-9]-*.ipynb"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


class NotebookFailed(Exception):
    """A notebook stopped with an error; the message says where."""


def numbered_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """Return ``folder/NN-*.ipynb`` sorted by file name."""
    return sorted(folder.glob(NUMBERED), key=lambda path: path.name)


def describe_cell(nb: nbformat.NotebookNode, index: int) -> str:
    """Name a cell by position, id and first line of source, for error messages."""
    cell = nb.cells[index]
    code_number = sum(1 for c in nb.cells[: index + 1] if c.cell_type == "code")
    first_line = next(
        (line.strip() for line in cell.source.splitlines() if line.strip()), ""
    )
    if len(first_line) > 70:
        first_line = first_line[:67] + "..."
    cell_id = cell.get("id", "-")
    return (
        f"cell {index + 1} of {len(nb.cells)} (code cell {code_number}, id {cell_id}): "
        f"{first_line!r}"
    )


def run_notebook(
    path: Path, *, timeout: int, kernel: str, save_dir: Path | None
) -> float:
    """Execute one notebook in memory and return the elapsed seconds.

    Raises
    ------
    NotebookFailed
        If a cell raises or times out, or the kernel cannot start.
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel,
        allow_errors=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    current: dict[str, int] = {}

    def remember(cell, cell_index, **_):
        current["index"] = cell_index

    client.on_cell_start = remember

    started = time.perf_counter()
    failure: str | None = None
    try:
        client.execute()
    except CellTimeoutError:
        failure = f"timed out after {timeout} s"
    except CellExecutionError as error:
        text = ANSI_ESCAPE.sub("", str(error))
        lines = [line for line in text.strip().splitlines() if line.strip()]
        failure = lines[-1] if lines else type(error).__name__
    except Exception as error:  # kernel missing, kernel died, unreadable file
        failure = f"{type(error).__name__}: {error}"
    elapsed = time.perf_counter() - started

    if save_dir is not None:
        save_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, save_dir / path.name)

    if failure is not None:
        where = (
            describe_cell(nb, current["index"])
            if "index" in current
            else "before the first cell"
        )
        raise NotebookFailed(f"{display(path)} failed at {where}\n    {failure}")
    return elapsed


def display(path: Path) -> str:
    """Show a path relative to the project root when possible."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Execute notebooks headless without writing outputs back."
    )
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to run (default: every notebooks/NN-*.ipynb, sorted)",
    )
    parser.add_argument(
        "--save-dir",
        type=Path,
        default=None,
        help="also write executed copies here (never the notebooks/ folder)",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=600,
        help="seconds allowed per cell (default: 600)",
    )
    parser.add_argument(
        "--kernel",
        default="python3",
        help="Jupyter kernel name (default: python3)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or numbered_notebooks()
    if not paths:
        print(f"error: no notebooks match {display(NOTEBOOK_DIR)}/{NUMBERED}", file=sys.stderr)
        return 2
    missing = [p for p in paths if not p.is_file()]
    if missing:
        for path in missing:
            print(f"error: notebook not found: {display(path)}", file=sys.stderr)
        return 2

    save_dir = args.save_dir.resolve() if args.save_dir else None
    if save_dir is not None and any(save_dir == p.parent for p in paths):
        print(
            "error: --save-dir must differ from the notebooks' folder, "
            "so committed notebooks stay without outputs",
            file=sys.stderr,
        )
        return 2

    for number, path in enumerate(paths, start=1):
        print(f"[{number}/{len(paths)}] {display(path)} ...", flush=True)
        try:
            elapsed = run_notebook(
                path, timeout=args.timeout, kernel=args.kernel, save_dir=save_dir
            )
        except NotebookFailed as failure:
            print(f"error: {failure}", file=sys.stderr)
            return 1
        print(f"    ok in {elapsed:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
