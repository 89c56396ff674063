"""Running ``check`` and ``flake8 --select KLB`` in subprocesses, and reading their
default output as (path, line, col, code) tuples, for the check tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional, Set, Tuple

REPORT = re.compile(
    r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+[0-9]+) (?P<text>.+)$"
)
Found = Set[Tuple[str, int, int, str]]


def _env() -> Dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONWARNINGS", None)
    return env


def run_module(
    *args: str, cwd: Path, stdin: Optional[str] = None
) -> subprocess.CompletedProcess[str]:
    """``python -m ARGS`` with this interpreter, as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=600,
        env=_env(),
        check=False,
    )


def run_check(
    *args: str, cwd: Path, stdin: Optional[str] = None
) -> subprocess.CompletedProcess[str]:
    return run_module("flake8_keras_build", "check", *args, cwd=cwd, stdin=stdin)


def run_flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_module("flake8", *args, cwd=cwd)


def parse(stdout: str, codes: str = "KLB") -> Found:
    """Every line must be a report; paths lose flake8's leading ``./``."""
    found = set()
    for raw in stdout.splitlines():
        match = REPORT.match(raw)
        assert match, f"not a report line: {raw!r}"
        if match["code"].startswith(codes):
            path = os.path.normpath(match["path"])
            found.add((path, int(match["line"]), int(match["col"]), match["code"]))
    return found


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")
    return path
