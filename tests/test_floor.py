"""The oldest flake8 and libcst that pyproject.toml accepts really run the plugin.

Every other test runs with whatever pip installed last, which is the newest release;
a floor nobody runs is a promise nobody checks (libcst 1.0.x once made every method
unreadable through a field it lacks). This test builds a virtual environment with
each ``>=`` dependency pinned to its lower bound and runs the core tests in it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path
from typing import List

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the suite's own Python decides
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]

# The tests that exercise detection, positions, the flake8 interface and the fixes;
# the runtime lane, the fuzzing and the corpus sweeps need more than the floor.
CORE_TESTS = [
    "tests/test_rules.py",
    "tests/test_positions.py",
    "tests/test_plugin.py",
    "tests/test_flake8_e2e.py",
    "tests/test_fixes.py",
    "tests/test_project.py",
    # check decides with flake8's own selection engine: the oldest flake8 too
    "tests/test_check_parity.py",
]

# Lower bounds only; a marker (``; python_version<'3.11'``) is kept as pip reads it.
_LOWER_BOUND = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*>=\s*([0-9][^,;\s]*)\s*(;.*)?$")


def floor_pins() -> List[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = []
    for requirement in project["project"]["dependencies"]:
        match = _LOWER_BOUND.match(requirement)
        assert match, f"{requirement!r} has no plain lower bound to test"
        name, version, marker = match.groups()
        pins.append(f"{name}=={version}{marker or ''}")
    return pins


def test_floor_pins_cover_the_linting_dependencies() -> None:
    names = {pin.split("==")[0] for pin in floor_pins()}
    assert {"flake8", "libcst"} <= names


@pytest.mark.floor
def test_core_tests_pass_on_the_floor(tmp_path: Path) -> None:
    env_dir = tmp_path / "floor"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / ("Scripts" if sys.platform == "win32" else "bin") / "python"
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    installed = subprocess.run(
        [*pip, *floor_pins(), "pytest>=7", "PyYAML>=5.4"], capture_output=True, text=True
    )
    if installed.returncode != 0 and "No matching distribution" in installed.stderr:
        # The floor has no wheel for this Python (libcst 1.0.1 stops at 3.11).
        pytest.skip(f"the floor does not install on this Python: {installed.stderr[-300:]}")
    assert installed.returncode == 0, installed.stderr[-2000:]
    project = subprocess.run(
        [*pip, "--no-deps", "--no-build-isolation", "-e", str(ROOT)],
        capture_output=True,
        text=True,
    )
    if project.returncode != 0:
        # An editable install needs the build backend inside the venv.
        project = subprocess.run(
            [*pip, "--no-deps", "-e", str(ROOT)], capture_output=True, text=True
        )
    assert project.returncode == 0, project.stderr[-2000:]
    result = subprocess.run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *CORE_TESTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
