#!/usr/bin/env python3
"""Generate the students' exercise notebooks from the numbered solution notebooks.

Every code cell tagged ``solution`` in ``notebooks/NN-*.ipynb`` has its code
replaced by a ``# Your turn: ...`` comment built from the markdown caption just
above it; every other cell is copied as it is. The result goes to
``notebooks/exercises/NN-*.ipynb``, which is generated, committed so a teacher can
hand it out, and never edited by hand (``tests/test_exercises.py`` fails when it
is out of date). A solution cell may only define variables that no later cell
uses, so the exercise version still runs from top to bottom; the script refuses
a notebook that breaks this rule and says which cell and which names.

Usage::

    python scripts/make_exercises.py            # (re)write notebooks/exercises/
    python scripts/make_exercises.py --check    # exit 1 if they are out of date

``make exercises`` runs the first form; ``make figures`` runs it too.
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import sys
import tempfile
import textwrap
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
EXERCISE_DIR = NOTEBOOK_DIR / "exercises"
NUMBERED = "[0-9][0-9]-*.ipynb"
SOLUTION_TAG = "solution"
EXERCISE_TAG = "exercise"
WIDTH = 88


class ExerciseError(Exception):
    """A solution notebook cannot be turned into an exercise; the message says why."""


def caption_of(cells, index: int) -> str:
    """The markdown caption right above code cell ``index``, as one line."""
    for cell in reversed(cells[:index]):
        if cell.cell_type == "markdown":
            paragraphs = [p for p in cell.source.strip().split("\n\n") if p.strip()]
            text = " ".join(paragraphs[-1].split()) if paragraphs else ""
            return text
        if cell.cell_type == "code":
            break
    return ""


def placeholder(caption: str, solution_name: str) -> str:
    """The source of a blanked cell: the caption as a ``# Your turn:`` comment."""
    lines = textwrap.wrap(f"Your turn: {caption}", width=WIDTH - 2,
                          subsequent_indent="  ", break_on_hyphens=False)
    comment = "\n".join(f"# {line}" for line in lines)
    return f"{comment}\n# (One or two calls to the analysis package; answer in ../{solution_name}.)\n"


def _names(source: str, context: type) -> set[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:  # cell magics and the like: nothing to check
        return set()
    names = {node.id for node in ast.walk(tree)
             if isinstance(node, ast.Name) and isinstance(node.ctx, context)}
    if context is ast.Store:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
    return names


def exercise_notebook(path: Path) -> tuple[nbformat.NotebookNode, int]:
    """Build the exercise version of one notebook; return it and the blanked-cell count.

    Raises
    ------
    ExerciseError
        A solution cell has no caption above it, or defines a name that a
        later cell uses (the exercise would not run).
    """
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    blanked = 0
    out_cells = []
    for index, cell in enumerate(cells):
        cell = copy.deepcopy(cell)
        tags = list(cell.metadata.get("tags", []))
        if cell.cell_type == "code" and SOLUTION_TAG in tags:
            where = f"{path.name}, cell {index + 1}"
            caption = caption_of(cells, index)
            if not caption:
                raise ExerciseError(f"{where}: a solution cell needs a markdown caption "
                                    "right above it (it becomes the exercise prompt)")
            # Even a name defined earlier is refused: the exercise would silently go
            # on with the earlier value (and could save the wrong figure).
            defined = _names(cell.source, ast.Store)
            later = set()
            for other in cells[index + 1:]:
                if other.cell_type == "code":
                    later |= _names(other.source, ast.Load)
            used = sorted(defined & later)
            if used:
                raise ExerciseError(f"{where}: tagged {SOLUTION_TAG!r} but later cells use "
                                    f"{', '.join(used)}; untag it or tag a cell nothing "
                                    "later depends on")
            cell.source = placeholder(caption, path.name)
            cell.metadata["tags"] = [EXERCISE_TAG if t == SOLUTION_TAG else t for t in tags]
            blanked += 1
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        out_cells.append(cell)
    banner = nbformat.v4.new_markdown_cell(
        f"*Exercise version of [`{path.name}`](../{path.name}), generated by "
        "`scripts/make_exercises.py` (`make exercises`); do not edit it by hand.* "
        f"{blanked} code cell{'s' if blanked != 1 else ''} marked **Your turn** "
        "are for you to write: read the caption, look at the cells around it, and "
        "call the package function it describes. Every other cell runs as in the "
        "solution notebook."
    )
    # The banner goes right under the title cell, so the notebook still opens with it.
    at = 1 if out_cells and out_cells[0].cell_type == "markdown" and \
        out_cells[0].source.lstrip().startswith("#") else 0
    nb.cells = [*out_cells[:at], banner, *out_cells[at:]]
    for number, cell in enumerate(nb.cells):
        cell["id"] = str(number)
    return nb, blanked


def render(nb: nbformat.NotebookNode) -> str:
    """Serialise like nbformat (and nbstripout) do, with a final newline."""
    text = nbformat.writes(nb, version=4)
    return text if text.endswith("\n") else text + "\n"


def generate(sources: list[Path], out_dir: Path) -> dict[Path, str]:
    """Exercise file path -> its text, for every source notebook."""
    return {out_dir / path.name: render(exercise_notebook(path)[0]) for path in sources}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="only compare with the committed exercises; exit 1 if stale")
    parser.add_argument("--out", type=Path, default=EXERCISE_DIR,
                        help="output folder (default: notebooks/exercises)")
    args = parser.parse_args(argv)

    sources = sorted(NOTEBOOK_DIR.glob(NUMBERED))
    try:
        wanted = generate(sources, args.out)
    except ExerciseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    present = {p for p in args.out.glob(NUMBERED)} if args.out.is_dir() else set()
    stale = sorted(p for p in present if p not in wanted)
    changed = sorted(p for p, text in wanted.items()
                     if not p.is_file() or p.read_text(encoding="utf-8") != text)
    if args.check:
        for path in changed:
            print(f"out of date: {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        for path in stale:
            print(f"no solution notebook for: {path.name}")
        if changed or stale:
            print("run `make exercises`", file=sys.stderr)
            return 1
        return 0
    for path in changed:
        _write(path, wanted[path])
    for path in stale:
        path.unlink()
    print(f"exercises: {len(wanted)} notebook(s) in {args.out}, {len(changed)} rewritten, "
          f"{len(stale)} removed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
