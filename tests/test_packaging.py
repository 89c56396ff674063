"""What a release depends on and can be checked without building it: the version lives
in one place, the CHANGELOG names every rule, the pre-commit hooks run commands that
exist and behave as pre-commit expects, and the README's pre-commit config matches.

Building the sdist and the wheel takes too long for every run; the last test does it
when asked (it needs the ``build`` package):

    KLB_BUILD_CHECK=1 python -m pytest tests/test_packaging.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any, Dict, List, Set

import pytest
import yaml

import flake8_keras_build
from flake8_keras_build.__main__ import build_parser
from flake8_keras_build.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
# The package under test: the source tree's, or the installed one when the tests run
# from an unpacked sdist without it.
PACKAGE = Path(flake8_keras_build.__file__).resolve().parent
VERSION = flake8_keras_build.__version__
DIST_NAME = "flake8-keras-build"
HOOK_IDS = ("flake8-keras-build", "flake8-keras-build-fix", "flake8-keras-build-check")

# Runs an installed console script by its name, the way the script pip writes does:
# load the entry point and exit with what it returns. Going through the metadata
# rather than PATH tests the names the hooks use, in any environment.
LAUNCH = """\
import sys
from importlib.metadata import entry_points
name = sys.argv.pop(1)
found = entry_points()
group = found.select(group="console_scripts") if hasattr(found, "select") else found["console_scripts"]
script = next(ep for ep in group if ep.name == name)
sys.argv[0] = name
sys.exit(script.load()())
"""


def _toml(path: Path) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:
        import tomli as tomllib
    with path.open("rb") as handle:
        data: Dict[str, Any] = tomllib.load(handle)
    return data


def pyproject() -> Dict[str, Any]:
    return _toml(ROOT / "pyproject.toml")


def hooks() -> Dict[str, Dict[str, Any]]:
    loaded = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, list), ".pre-commit-hooks.yaml must be a list of hooks"
    return {hook["id"]: hook for hook in loaded}


def console_scripts() -> Dict[str, str]:
    """Installed console scripts: name -> ``module:function``."""
    if sys.version_info >= (3, 10):
        group = metadata.entry_points(group="console_scripts")
    else:  # a dict of groups
        group = metadata.entry_points().get("console_scripts", [])
    return {ep.name: ep.value for ep in group}


def run_script(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("PYTHONWARNINGS", None)
    return subprocess.run(
        [sys.executable, "-c", LAUNCH, name, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def run_hook(hook_id: str, *files: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A hook as pre-commit runs it: ``entry``, then ``args``, then the file names."""
    hook = hooks()[hook_id]
    command, *entry_args = hook["entry"].split()
    return run_script(command, *entry_args, *hook.get("args", []), *files, cwd=cwd)


# The version


def test_version_is_read_from_the_package() -> None:
    project = pyproject()
    assert "version" not in project["project"], "the version belongs in __init__.py alone"
    assert "version" in project["project"]["dynamic"]
    dynamic = project["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "flake8_keras_build.__version__"}
    # setuptools reads a plain string literal without importing the package.
    init = (PACKAGE / "__init__.py").read_text(encoding="utf-8")
    assert re.search(rf'^__version__ = "{re.escape(VERSION)}"$', init, re.MULTILINE)


def test_no_other_file_spells_the_version() -> None:
    # The CHANGELOG and the README name releases on purpose; code and config must not.
    literal = re.compile(rf"""["']v?{re.escape(VERSION)}["']""")
    files = [ROOT / "pyproject.toml", ROOT / ".pre-commit-hooks.yaml"]
    for folder in (PACKAGE, ROOT / "tests", ROOT / "benchmarks"):
        files.extend(sorted(folder.rglob("*.py")))
    spelled = [
        str(path)
        for path in files
        if path != PACKAGE / "__init__.py" and literal.search(path.read_text(encoding="utf-8"))
    ]
    assert spelled == []


def test_installed_metadata_has_the_version() -> None:
    # flake8 --version prints the distribution's version, not __version__.
    assert metadata.version(DIST_NAME) == VERSION, "stale install: pip install -e . again"


# The CHANGELOG


def changelog() -> str:
    return (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_changelog_names_every_rule() -> None:
    text = changelog()
    missing = [rule.code for rule in RULES if f"`{rule.code}`" not in text]
    assert missing == [], f"add these codes to CHANGELOG.md: {missing}"


def test_changelog_starts_with_the_current_version() -> None:
    releases = re.findall(r"^## (\S+)", changelog(), re.MULTILINE)
    assert releases, "CHANGELOG.md has no release heading"
    assert releases[0] == VERSION, "a version bump needs its CHANGELOG entry"
    assert len(set(releases)) == len(releases)


# The pre-commit hooks


def test_hooks_are_the_documented_ones() -> None:
    found = hooks()
    assert tuple(found) == HOOK_IDS
    for hook in found.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["python"]
        # pre-commit installs this repository into the hook's environment.
        assert "additional_dependencies" not in hook
    assert found["flake8-keras-build"]["entry"] == "flake8"
    from flake8_keras_build.opt_in import OPT_IN_CODES

    # The opt-in rules stay off, as in a plain flake8 run.
    assert found["flake8-keras-build"]["args"] == [
        "--select=KLB",
        f"--extend-ignore={','.join(OPT_IN_CODES)}",
    ]
    assert found["flake8-keras-build-fix"]["entry"].split() == ["flake8-keras-build", "fix"]
    # check's default selection already leaves the opt-in rules off: no arguments.
    assert found["flake8-keras-build-check"]["entry"].split() == ["flake8-keras-build", "check"]
    assert "args" not in found["flake8-keras-build-check"]


def test_hook_commands_are_console_scripts() -> None:
    declared = pyproject()["project"]["scripts"]
    installed = console_scripts()
    assert declared["flake8-keras-build"] == "flake8_keras_build.__main__:main"
    for hook in hooks().values():
        command = hook["entry"].split()[0]
        assert command in installed, f"{hook['id']}: no console script {command!r}"
        if command in declared:
            assert installed[command] == declared[command], "stale install: pip install -e ."


def test_fix_hook_arguments_parse() -> None:
    hook = hooks()["flake8-keras-build-fix"]
    _, *entry_args = hook["entry"].split()
    args = build_parser().parse_args([*entry_args, *hook.get("args", []), "a.py", "b.py"])
    assert args.command == "fix"
    assert args.paths == ["a.py", "b.py"]
    assert not args.diff, "the fix hook must write the files, not print a diff"


@pytest.fixture
def bad_layer(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "examples" / "seed_layer.py", tmp_path / "layer.py")
    return tmp_path / "layer.py"


@pytest.mark.parametrize("hook", ["flake8-keras-build", "flake8-keras-build-check"])
def test_check_hook_fails_on_findings(bad_layer: Path, hook: str) -> None:
    result = run_hook(hook, bad_layer.name, cwd=bad_layer.parent)
    assert result.returncode == 1, result.stderr
    codes = set(re.findall(r"^layer\.py:\d+:\d+: (\w+) ", result.stdout, re.MULTILINE))
    assert {"KLB101", "KLB104", "KLB105"} <= codes
    assert all(code.startswith("KLB") for code in codes), "--select=KLB lets other codes in"


@pytest.mark.parametrize("hook", ["flake8-keras-build", "flake8-keras-build-check"])
def test_check_hook_passes_a_good_layer(tmp_path: Path, hook: str) -> None:
    shutil.copy(ROOT / "examples" / "good_layer.py", tmp_path / "layer.py")
    result = run_hook(hook, "layer.py", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, ""), result.stderr


def test_fix_hook_changes_the_file_and_fails_then_passes(bad_layer: Path) -> None:
    before = bad_layer.read_text(encoding="utf-8")
    first = run_hook("flake8-keras-build-fix", bad_layer.name, cwd=bad_layer.parent)
    assert first.returncode == 1, first.stderr
    after = bad_layer.read_text(encoding="utf-8")
    assert after != before
    assert "def __call__" not in after  # KLB101's fix
    # pre-commit passes the commit the second time: nothing is left to change.
    second = run_hook("flake8-keras-build-fix", bad_layer.name, cwd=bad_layer.parent)
    assert second.returncode == 0, second.stderr
    assert bad_layer.read_text(encoding="utf-8") == after


def readme_pre_commit_config() -> Dict[str, Any]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL)
    configs = [yaml.safe_load(block) for block in blocks if block.startswith("repos:")]
    assert len(configs) == 1, "the README shows one .pre-commit-config.yaml"
    config: Dict[str, Any] = configs[0]
    return config


def test_readme_pre_commit_config_uses_the_hooks() -> None:
    (repo,) = readme_pre_commit_config()["repos"]
    assert repo["repo"] == pyproject()["project"]["urls"]["Homepage"]
    # pre-commit checks out this tag: it follows the release the README documents.
    assert repo["rev"] == f"v{VERSION}"
    used = [hook["id"] for hook in repo["hooks"]]
    assert set(used) <= set(hooks()) and used


def test_readme_shows_the_real_output() -> None:
    """The terminal session at the top of the README is what flake8 prints today."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```console\n\$ (flake8 [^\n]*)\n(.*?)```", readme, re.DOTALL)
    assert match, "the README shows a flake8 run"
    command, shown = match.groups()
    result = subprocess.run(
        [sys.executable, "-m", *command.split()],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == shown, f"paste the output of `{command}` into the README"


# Building (opt-in)

FORBIDDEN_PARTS = {
    ".corpus", ".ci", ".benchmarks", ".git", "__pycache__", ".mypy_cache",
    ".ruff_cache", ".pytest_cache", ".hypothesis", "build", "dist",
}  # fmt: skip


@pytest.mark.skipif(
    os.environ.get("KLB_BUILD_CHECK") != "1", reason="builds the sdist and wheel: KLB_BUILD_CHECK=1"
)
def test_build_sdist_and_wheel(tmp_path: Path) -> None:
    pytest.importorskip("build", reason="the build check needs `pip install build`")
    result = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Deprecat" not in output, output

    (sdist,) = tmp_path.glob("*.tar.gz")
    with tarfile.open(sdist) as archive:
        # Paths without the "flake8_keras_build-<version>/" prefix.
        names: Set[str] = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    expected = {
        "LICENSE", "CHANGELOG.md", "README.md", ".pre-commit-hooks.yaml", "pyproject.toml",
        "flake8_keras_build/py.typed", "tests/__init__.py", "tests/seed.py",
        "examples/seed_layer.py", "benchmarks/benchmark.py",
    }  # fmt: skip
    expected |= {f"docs/rules/{rule.code}.md" for rule in RULES}
    assert expected <= names, sorted(expected - names)
    assert {path.relative_to(ROOT).as_posix() for path in (ROOT / "tests").glob("*.py")} <= names
    leaked = sorted(n for n in names if FORBIDDEN_PARTS & set(n.split("/")) or n.endswith(".pyc"))
    assert leaked == []

    (wheel,) = tmp_path.glob("*.whl")
    dist_info = f"flake8_keras_build-{VERSION}.dist-info"
    with zipfile.ZipFile(wheel) as archive:
        files: List[str] = archive.namelist()
        meta = archive.read(f"{dist_info}/METADATA").decode("utf-8")
        entry_points = archive.read(f"{dist_info}/entry_points.txt").decode("utf-8")
    assert "flake8_keras_build/py.typed" in files
    assert f"{dist_info}/licenses/LICENSE" in files
    assert {name.split("/")[0] for name in files} == {"flake8_keras_build", dist_info}
    assert f"Version: {VERSION}\n" in meta
    assert "License-Expression: MIT\n" in meta
    for minor in range(9, 14):
        assert f"Classifier: Programming Language :: Python :: 3.{minor}\n" in meta
    for label in ("Homepage", "Documentation", "Issues", "Changelog"):
        assert f"Project-URL: {label}, " in meta
    assert "KLB = flake8_keras_build.plugin:Plugin" in entry_points
    assert "flake8-keras-build = flake8_keras_build.__main__:main" in entry_points


def test_changelog_names_every_fixable_code_as_fixed() -> None:
    from flake8_keras_build.rules import RULES

    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    fixes = text[text.index("Fixes for") : text.index("safe is left alone")]
    for rule in RULES:
        assert (f"`{rule.code}`" in fixes) == rule.fixable, rule.code
