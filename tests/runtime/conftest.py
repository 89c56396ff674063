"""Fixtures of the runtime lane: the flavour under test, and the recorder that writes
``docs/runtime-evidence.json`` when ``KLB_RECORD_EVIDENCE=1``."""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import pytest

from flake8_keras_build import evidence
from flake8_keras_build.rules import RULES
from tests.runtime import flavours

ROOT = Path(__file__).resolve().parents[2]


class Recorder:
    """What this session observed, per flavour; merged into the file at the end."""

    def __init__(self) -> None:
        self.results: Dict[str, Dict[str, Dict[str, Any]]] = {}
        self.versions: Dict[str, Dict[str, str]] = {}
        self.seeds: Dict[str, Dict[str, Any]] = {}

    def record(self, flavour: flavours.Flavour, code: str, key: str, entry: Any) -> None:
        self.versions[flavour.name] = flavour.versions
        self.results.setdefault(flavour.name, {}).setdefault(code, {})[key] = entry

    def record_seed(self, flavour: flavours.Flavour, entry: Dict[str, Any]) -> None:
        self.versions[flavour.name] = flavour.versions
        self.seeds[flavour.name] = entry

    def write(self, root: Path) -> Path:
        data: Optional[evidence.Evidence] = evidence.load(root)
        for name, versions in self.versions.items():
            data = evidence.merge(
                data, name, versions, self.results.get(name, {}), self.seeds.get(name)
            )
        assert data is not None
        path = root / evidence.EVIDENCE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(evidence.dumps(evidence.prune(data, RULES)), encoding="utf-8")
        return path


def recording() -> bool:
    return os.environ.get(evidence.RECORD_VARIABLE) == "1"


@pytest.fixture(scope="session")
def recorder() -> Iterator[Recorder]:
    result = Recorder()
    yield result
    if recording() and result.versions:
        path = result.write(ROOT)
        print(f"\nruntime evidence written to {path}; now run `python -m flake8_keras_build docs`")


@pytest.fixture(scope="session")
def committed() -> Optional[evidence.Evidence]:
    """The evidence in the repository, which this run must reproduce."""
    return evidence.load(ROOT)


def load_flavour(name: str) -> flavours.Flavour:
    try:
        return flavours.load(name)
    except flavours.Unavailable as error:
        pytest.skip(f"{flavours.LABELS[name]} is not importable: {error}")


def check_committed(
    committed: Optional[evidence.Evidence],
    flavour: flavours.Flavour,
    recorded: Any,
    observed: Any,
    what: str,
) -> None:
    """The committed evidence of the same versions must say what this run saw, so
    that the docs quote the lane and not an older one."""
    if recording():
        return
    same_versions = (
        committed is not None
        and committed["flavours"].get(flavour.name, {}).get("versions") == flavour.versions
    )
    if not same_versions:
        return  # observed with other versions: nothing to compare
    if recorded == observed:
        return
    diff = "\n".join(
        difflib.unified_diff(
            json.dumps(recorded, indent=1, sort_keys=True).splitlines(),
            json.dumps(observed, indent=1, sort_keys=True).splitlines(),
            "recorded",
            "observed",
            lineterm="",
        )
    )
    pytest.fail(
        f"{evidence.EVIDENCE} is stale for {what} under {flavour.label}; rerun "
        f"`{evidence.RECORD_VARIABLE}=1 {evidence.LANE}` there, then "
        f"`python -m flake8_keras_build docs`:\n{diff}"
    )
