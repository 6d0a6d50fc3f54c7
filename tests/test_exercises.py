"""Exercise notebooks: generated from the solution notebooks' cell tags, never by hand.

The committed ``notebooks/exercises/`` must be exactly what
``scripts/make_exercises.py`` writes now. ``make test`` executes them with nbmake
(it collects every notebook under ``notebooks/``, the exercises included), so an
exercise that no longer runs from top to bottom fails the suite.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_exercises.py"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]-*.ipynb"))
EXERCISES = ROOT / "notebooks" / "exercises"

spec = importlib.util.spec_from_file_location("make_exercises", SCRIPT)
make_exercises = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make_exercises)


def solution_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and "solution" in c.metadata.get("tags", [])]


def test_committed_exercises_are_up_to_date():
    wanted = make_exercises.generate(NOTEBOOKS, EXERCISES)
    stale = [p.name for p, text in wanted.items()
             if not p.is_file() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"notebooks/exercises/ is out of date for {stale}; run `make exercises`"
    extra = sorted(p.name for p in EXERCISES.glob("*.ipynb") if p not in wanted)
    assert not extra, f"exercises without a solution notebook: {extra}; run `make exercises`"


def test_check_mode_agrees():
    done = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_notebook_has_one_to_three_solution_cells(path):
    n = len(solution_cells(nbformat.read(path, as_version=4)))
    assert 1 <= n <= 3, (f"{path.name} has {n} code cells tagged 'solution'; tag one to three "
                         "cells a student could write from the caption and whose variables "
                         "no later cell uses")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_exercise_blanks_exactly_the_solution_cells(path):
    solution = nbformat.read(path, as_version=4)
    exercise = nbformat.read(EXERCISES / path.name, as_version=4)
    # one banner cell, right under the title
    assert len(exercise.cells) == len(solution.cells) + 1
    assert "Exercise version" in exercise.cells[1].source
    assert exercise.cells[0].source == solution.cells[0].source
    others = [exercise.cells[0], *exercise.cells[2:]]
    blanked = set(solution_cells(solution))
    for index, (old, new) in enumerate(zip(solution.cells, others)):
        assert new.cell_type == old.cell_type
        if index in blanked:
            caption = make_exercises.caption_of(solution.cells, index)
            assert new.source.startswith("# Your turn: ")
            comment = " ".join(line[2:].strip() for line in new.source.splitlines()[:-1])
            assert comment == f"Your turn: {caption}"
            assert all(line.startswith("#") for line in new.source.splitlines())
            assert "exercise" in new.metadata["tags"] and "solution" not in new.metadata["tags"]
        else:
            assert new.source == old.source
            assert new.metadata.get("tags", []) == old.metadata.get("tags", [])
    ids = [cell["id"] for cell in exercise.cells]
    assert ids == [str(i) for i in range(len(ids))]  # as nbstripout numbers them


def test_exercises_are_committed_clean():
    paths = sorted(EXERCISES.glob("*.ipynb"))
    assert paths
    for path in paths:
        nb = nbformat.read(path, as_version=nbformat.NO_CONVERT)
        nbformat.validate(nb)
        assert nb.metadata["kernelspec"]["name"] == "python3"
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None
    done = subprocess.run([sys.executable, "-m", "nbstripout", "--verify", *map(str, paths)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr


def test_make_test_executes_the_exercises():
    # nbmake is given the whole notebooks/ folder, so it collects notebooks/exercises/ too.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert re.search(r"--nbmake\b.*\bnotebooks\s*$", recipe, flags=re.S), recipe
    assert EXERCISES.parent == ROOT / "notebooks"
    assert "exercises" in makefile and "scripts/make_exercises.py" in makefile


# ---------------------------------------------------------------------------
# The generator on tiny notebooks
# ---------------------------------------------------------------------------


def tiny(tmp_path: Path, cells) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata = {"kernelspec": {"display_name": "Python 3", "language": "python",
                                  "name": "python3"}, "language_info": {"name": "python"}}
    for kind, source, tags in cells:
        cell = (nbformat.v4.new_code_cell(source) if kind == "code"
                else nbformat.v4.new_markdown_cell(source))
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    path = tmp_path / "99-tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_caption_becomes_the_prompt(tmp_path):
    path = tiny(tmp_path, [
        ("markdown", "# 99 · Tiny", None),
        ("markdown", "Some context.\n\nCount the terms of the first\ndocument.", None),
        ("code", "n = len(terms(docs.text[0]))\nn", ["solution"]),
        ("markdown", "Then load again.", None),
        ("code", "docs = load_corpus()", None),
    ])
    nb, blanked = make_exercises.exercise_notebook(path)
    assert blanked == 1
    assert nb.cells[3].source.splitlines()[0] == (
        "# Your turn: Count the terms of the first document.")
    assert nb.cells[5].source == "docs = load_corpus()"


def test_a_solution_whose_variable_is_used_later_is_refused(tmp_path):
    path = tiny(tmp_path, [
        ("markdown", "Compute the summary.", None),
        ("code", "summary = corpus_summary(docs)", ["solution"]),
        ("markdown", "Draw it.", None),
        ("code", "plot_document_lengths(summary)", None),
    ])
    with pytest.raises(make_exercises.ExerciseError, match=r"cell 2: .*later cells use summary"):
        make_exercises.exercise_notebook(path)


def test_a_solution_may_not_rebind_a_name_used_later(tmp_path):
    # `fig` exists before the solution cell, but the exercise would go on with the
    # old figure and save it under the wrong name
    path = tiny(tmp_path, [
        ("markdown", "Draw lengths.", None),
        ("code", "fig = plot_a(t)", None),
        ("markdown", "Draw the overlap.", None),
        ("code", "fig = plot_b(t)", ["solution"]),
        ("markdown", "Save.", None),
        ("code", "save_figure(fig, 'b')", None),
    ])
    with pytest.raises(make_exercises.ExerciseError, match="later cells use fig"):
        make_exercises.exercise_notebook(path)


def test_a_solution_without_caption_is_refused(tmp_path):
    path = tiny(tmp_path, [("code", "x = 1", None), ("code", "y = 2", ["solution"])])
    with pytest.raises(make_exercises.ExerciseError, match="caption"):
        make_exercises.exercise_notebook(path)


# ---------------------------------------------------------------------------
# The numbered notebooks read as a course (docs/teaching.md)
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_reads_as_a_lesson(path):
    cells = nbformat.read(path, as_version=4).cells
    name = path.name
    assert cells and cells[0].cell_type == "markdown", f"{name}: start with a title cell"
    assert cells[0].source.startswith("# "), f"{name}: the first cell is the '# NN · Title'"
    assert "**Learning goal.**" in cells[0].source, f"{name}: state the learning goal on top"
    for index, cell in enumerate(cells):
        if cell.cell_type == "code":
            assert index and cells[index - 1].cell_type == "markdown" and \
                cells[index - 1].source.strip(), (
                f"{name}: code cell {index + 1} needs a one-line markdown caption above it")
    prompts = [c for c in cells if c.cell_type == "markdown" and "**Try it.**" in c.source]
    assert prompts, f"{name}: add one or two **Try it.** prompts"
    last_code = max(i for i, c in enumerate(cells) if c.cell_type == "code")
    after = " ".join(c.source for c in cells[last_code + 1:] if c.cell_type == "markdown")
    assert len(after.split()) >= 40, (
        f"{name}: end with an interpretation grounded in the tables (markdown after the "
        "last code cell)")
