"""The build files agree with each other, and notebooks are committed clean.

These tests read pyproject.toml, constraints.txt, environment.yml, the Makefile,
.ci/run, the README and the notebooks. They never write into the repository:
anything that needs a scratch copy goes to pytest's tmp_path.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOK_NAME = re.compile(r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.ipynb$")

# Calls that would fetch data or models at run time; everything must ship in
# the repository or in a pinned package instead.
FORBIDDEN_CALLS = (
    "nltk.download",
    "spacy download",
    "spacy.cli.download",
    "urllib.request.urlopen",
    "requests.get",
)


# --------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------


def read_pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)


def read_constraints() -> dict[str, str]:
    """Return {canonical name: version} from constraints.txt, which must be all `==` pins."""
    pins: dict[str, str] = {}
    lines = (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines()
    for number, raw in enumerate(lines, start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        assert not line.startswith("-"), f"constraints.txt:{number}: option line {line!r}"
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", (
            f"constraints.txt:{number}: {line!r} is not an exact `name==version` pin"
        )
        name = canonicalize_name(requirement.name)
        assert name not in pins, f"constraints.txt:{number}: {name} is pinned twice"
        pins[name] = specifiers[0].version
    return pins


def project_name() -> str:
    return canonicalize_name(read_pyproject()["project"]["name"])


def declared_requirements() -> dict[str, list[Requirement]]:
    """Core dependencies under the key "" and each extra under its own name."""
    project = read_pyproject()["project"]
    groups = {"": project["dependencies"], **project["optional-dependencies"]}
    return {group: [Requirement(r) for r in reqs] for group, reqs in groups.items()}


def external_requirements() -> list[tuple[str, Requirement]]:
    """Every declared requirement except the project's references to itself."""
    own = project_name()
    return [
        (group, req)
        for group, reqs in declared_requirements().items()
        for req in reqs
        if canonicalize_name(req.name) != own
    ]


def read_makefile() -> str:
    return (ROOT / "Makefile").read_text(encoding="utf-8")


def expand_make_variables(text: str) -> str:
    """Expand `$(NAME)` using the Makefile's simple `NAME := value` assignments."""
    values = {"CURDIR": str(ROOT)}
    for match in re.finditer(
        r"^(?:export\s+)?([A-Z_]+)\s*[:?]?=\s*(.*)$", read_makefile(), re.M
    ):
        values.setdefault(match.group(1), match.group(2).strip())
    for _ in range(10):
        text = re.sub(r"\$\(([A-Z_]+)\)", lambda m: values.get(m.group(1), m.group(0)), text)
    return text


def makefile_recipe(target: str) -> str:
    """Return the recipe lines of `target` in the Makefile, joined, variables expanded."""
    lines = read_makefile().splitlines()
    header = re.compile(rf"^{re.escape(target)}\s*:(?!=)")
    for index, line in enumerate(lines):
        if header.match(line):
            recipe = []
            for following in lines[index + 1 :]:
                if following.startswith("\t"):
                    recipe.append(following.strip())
                elif not following.startswith("#"):
                    break
            return expand_make_variables("\n".join(recipe))
    raise AssertionError(f"Makefile has no target {target!r}")


def makefile_install_extras() -> set[str]:
    """Extras the Makefile installs the project with (`pip install ... -e ".[...]"`)."""
    found = re.findall(
        r"pip install -c constraints\.txt -e \"?\.\[([^\]]*)\]\"?", read_makefile()
    )
    assert len(found) == 1, (
        "the Makefile should install the project exactly once with "
        f"`pip install -c constraints.txt -e \".[extras]\"`; found {found}"
    )
    return {canonicalize_name(extra) for extra in found[0].split(",")}


def read_environment() -> dict:
    with open(ROOT / "environment.yml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def environment_pip_lines() -> list[str]:
    for item in read_environment()["dependencies"]:
        if isinstance(item, dict) and "pip" in item:
            return [str(line).strip() for line in item["pip"]]
    raise AssertionError("environment.yml has no `pip:` section")


def notebooks() -> list[Path]:
    return sorted(NOTEBOOK_DIR.glob("*.ipynb"))


def read_notebook(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=nbformat.NO_CONVERT)


# --------------------------------------------------------------------------
# (a) pins: pyproject.toml <-> constraints.txt <-> installed
# --------------------------------------------------------------------------


def test_constraints_is_a_complete_lock_without_the_project():
    pins = read_constraints()
    assert project_name() not in pins
    text = (ROOT / "constraints.txt").read_text(encoding="utf-8")
    assert "make lock" in text, "constraints.txt header should say how to regenerate it"
    for _, requirement in external_requirements():
        assert canonicalize_name(requirement.name) in pins, (
            f"{requirement.name} is declared in pyproject.toml but missing from constraints.txt"
        )


@pytest.mark.parametrize(
    ("group", "requirement"),
    external_requirements(),
    ids=lambda value: str(value) if isinstance(value, Requirement) else (value or "core"),
)
def test_declared_pin_matches_constraints(group, requirement):
    specifiers = list(requirement.specifier)
    assert len(specifiers) == 1 and specifiers[0].operator == "==", (
        f"pyproject.toml [{group or 'dependencies'}]: pin {requirement} with a single `==`"
    )
    locked = read_constraints()[canonicalize_name(requirement.name)]
    assert Version(specifiers[0].version) == Version(locked), (
        f"{requirement.name}: pyproject.toml says {specifiers[0].version}, "
        f"constraints.txt says {locked}; edit pyproject.toml, then run `make lock`"
    )


def test_dev_extra_is_every_other_extra():
    project = read_pyproject()["project"]
    extras = set(project["optional-dependencies"]) - {"dev"}
    dev = [Requirement(r) for r in project["optional-dependencies"]["dev"]]
    own = [r for r in dev if canonicalize_name(r.name) == project_name()]
    assert len(own) == 1 and len(dev) == 1, "dev should be only `<project>[every other extra]`"
    assert {canonicalize_name(e) for e in own[0].extras} == {canonicalize_name(e) for e in extras}


def test_installed_versions_match_constraints():
    mismatched = []
    for name, version in read_constraints().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
        if Version(installed) != Version(version):
            mismatched.append(f"{name}: installed {installed}, locked {version}")
    assert not mismatched, "environment differs from constraints.txt (run `make`):\n" + "\n".join(
        mismatched
    )


# --------------------------------------------------------------------------
# (b) environment.yml agrees with pyproject.toml and the Makefile
# --------------------------------------------------------------------------


def test_environment_python_satisfies_requires_python():
    requires = SpecifierSet(read_pyproject()["project"]["requires-python"])
    pythons = [
        item
        for item in read_environment()["dependencies"]
        if isinstance(item, str) and re.match(r"^python(\s|=|<|>|$)", item)
    ]
    assert len(pythons) == 1, f"environment.yml should list python once, found {pythons}"
    match = re.fullmatch(r"python\s*==?\s*(\d+\.\d+)(?:\.\*)?", pythons[0])
    assert match, f"environment.yml: pin python as `python=X.Y`, not {pythons[0]!r}"
    assert Version(match.group(1)) in requires, (
        f"environment.yml python {match.group(1)} is outside requires-python {requires}"
    )


def test_environment_installs_project_like_the_makefile():
    lines = environment_pip_lines()
    assert "-c constraints.txt" in lines, "environment.yml pip section must use -c constraints.txt"
    editable = [line for line in lines if line.startswith("-e")]
    assert len(editable) == 1, f"environment.yml should install the project once, found {editable}"
    match = re.fullmatch(r"-e\s+\"?\.\[([^\]]*)\]\"?", editable[0])
    assert match, f"environment.yml: expected `-e .[extras]`, found {editable[0]!r}"
    extras = {canonicalize_name(extra) for extra in match.group(1).split(",")}
    assert extras == makefile_install_extras()


def test_environment_uses_conda_forge_and_pip_only():
    environment = read_environment()
    assert environment["channels"] == ["conda-forge"]
    names = {
        re.split(r"[=<> ]", item, maxsplit=1)[0]
        for item in environment["dependencies"]
        if isinstance(item, str)
    }
    assert names == {"python", "pip"}, "every other package comes from pip and constraints.txt"


# --------------------------------------------------------------------------
# (c) CI runs the same command as people do; (d) the README says which
# --------------------------------------------------------------------------


def test_ci_runs_make_test():
    script = ROOT / ".ci" / "run"
    commands = [
        line.strip()
        for line in script.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands[0] == "set -euo pipefail"
    assert "make test" in commands
    assert script.stat().st_mode & stat.S_IXUSR, ".ci/run must be executable"


def test_readme_quick_start_is_make_figures_then_make_test():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make figures" in readme and "make test" in readme
    quick_start = re.search(r"^#+\s*Quick start\s*$(.*?)(?=^#+\s)", readme, re.M | re.S | re.I)
    assert quick_start, "README.md needs a `Quick start` section"
    commands = re.findall(r"^\s*(make \S+)\s*$", quick_start.group(1), re.M)
    assert commands[:2] == ["make figures", "make test"]


def test_make_test_never_writes_committed_figures():
    recipe = makefile_recipe("test")
    target = re.search(r"ANALYSIS_FIGURES_DIR=(\S+)", recipe)
    assert target, "make test must set ANALYSIS_FIGURES_DIR"
    assert Path(target.group(1)).resolve().is_relative_to(ROOT / "build")
    assert "--doctest-modules analysis" in recipe
    assert "--nbmake" in recipe and "--nbmake-kernel=python3" in recipe
    assert "MPLBACKEND=Agg" in recipe
    assert "env -u ANALYSIS_FIGURES_DIR" in makefile_recipe("figures")


# --------------------------------------------------------------------------
# (e) nothing is downloaded at run time
# --------------------------------------------------------------------------


def source_files() -> list[Path]:
    files = []
    for folder in ("analysis", "notebooks"):
        for path in sorted((ROOT / folder).rglob("*")):
            if ".ipynb_checkpoints" in path.parts or "__pycache__" in path.parts:
                continue
            if path.suffix in {".py", ".ipynb"} and path.is_file():
                files.append(path)
    return files


def test_there_is_source_to_scan():
    assert any(path.suffix == ".py" for path in source_files())


@pytest.mark.parametrize("call", FORBIDDEN_CALLS)
def test_no_runtime_downloads(call):
    offenders = [
        str(path.relative_to(ROOT))
        for path in source_files()
        if call in path.read_text(encoding="utf-8")
    ]
    assert not offenders, f"{call!r} found in {offenders}; ship the resource instead"


# --------------------------------------------------------------------------
# (f) notebooks are committed clean, in the shape nbstripout commits them
# --------------------------------------------------------------------------


@pytest.mark.notebooks
def test_numbered_notebooks_exist():
    names = [path.name for path in notebooks()]
    assert names, "notebooks/ has no .ipynb file"
    bad = [name for name in names if not NOTEBOOK_NAME.match(name)]
    assert not bad, f"name notebooks NN-short-description.ipynb: {bad}"


@pytest.mark.notebooks
@pytest.mark.parametrize("path", notebooks(), ids=lambda path: path.name)
def test_notebook_has_no_outputs_and_python3_kernel(path):
    nb = read_notebook(path)
    nbformat.validate(nb)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3", (
        f"{path.name}: kernelspec name must be python3"
    )
    for index, cell in enumerate(nb.cells, start=1):
        if cell.cell_type != "code":
            continue
        assert cell.get("outputs") == [], f"{path.name}: cell {index} has outputs"
        assert cell.get("execution_count") is None, (
            f"{path.name}: cell {index} has an execution count"
        )


def run_nbstripout(*args: str) -> subprocess.CompletedProcess:
    # Run from the repository so any filter.nbstripout.* git settings apply,
    # exactly as the git filter registered by `make` would.
    return subprocess.run(
        [sys.executable, "-m", "nbstripout", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )


@pytest.fixture(scope="module")
def nbstripout_results(tmp_path_factory):
    """Run nbstripout once over scratch copies of every notebook.

    Returns the `--verify` run (on copies in one folder) and the folder of
    copies stripped in place (in another), keyed by notebook name.
    """
    checked = tmp_path_factory.mktemp("verify")
    stripped = tmp_path_factory.mktemp("stripped")
    for path in notebooks():
        shutil.copyfile(path, checked / path.name)
        shutil.copyfile(path, stripped / path.name)
    names = [path.name for path in notebooks()]
    verify = run_nbstripout("--verify", *(str(checked / name) for name in names))
    strip = run_nbstripout(*(str(stripped / name) for name in names))
    assert strip.returncode == 0, strip.stdout + strip.stderr
    return {"verify": verify, "checked": checked, "stripped": stripped}


@pytest.mark.notebooks
@pytest.mark.parametrize("path", notebooks(), ids=lambda path: path.name)
def test_nbstripout_verify_passes_and_keeps_tags(path, nbstripout_results):
    verify = nbstripout_results["verify"]
    would_strip = f"would have stripped {nbstripout_results['checked'] / path.name}"
    # A non-zero exit without any "would have stripped" line means nbstripout
    # itself failed (for instance on invalid JSON), which fails every notebook.
    ran_cleanly = verify.returncode == 0 or "would have stripped" in verify.stdout
    assert ran_cleanly and would_strip not in verify.stdout, (
        f"{path.name} is not in the form the nbstripout git filter commits "
        f"(outputs, counts, or cell ids other than 0, 1, 2, ...); run `make strip`.\n"
        f"{verify.stdout}{verify.stderr}"
    )
    before = [cell.metadata.get("tags", []) for cell in read_notebook(path).cells]
    stripped = read_notebook(nbstripout_results["stripped"] / path.name)
    after = [cell.metadata.get("tags", []) for cell in stripped.cells]
    assert after == before, f"{path.name}: stripping changed cell tags"
