"""Lint many files on several processes. Each worker builds the selection once and
returns plain reports; the caller sorts them, so the output does not depend on the
number of jobs or on which worker finished first."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Tuple

from ..options import Selection
from ..settings import Settings
from .lint_file import Report, lint_bytes
from .selection import Selector


@dataclass
class FileResult:
    path: str
    reports: List[Report] = field(default_factory=list)
    error: Optional[str] = None  # the file could not be read (an I/O error)


_WORKER: Optional[Tuple[Settings, Selector]] = None


def _start_worker(settings: Settings, selection: Selection) -> None:
    global _WORKER
    _WORKER = (settings, Selector(selection))


def _lint_path(path: str) -> FileResult:
    assert _WORKER is not None, "the worker was not started"
    settings, selector = _WORKER
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        return FileResult(path, error=error.strerror or str(error))
    try:
        return FileResult(path, lint_bytes(data, path, settings, selector))
    except Exception as error:  # noqa: BLE001 - one file's crash must not end the run
        return FileResult(path, error=f"internal error: {type(error).__name__}: {error}")


def default_jobs() -> int:
    return os.cpu_count() or 1


def lint_paths(
    paths: Sequence[str], settings: Settings, selection: Selection, jobs: int
) -> List[FileResult]:
    """Results in the order of ``paths``."""
    if jobs <= 1 or len(paths) <= 1:
        _start_worker(settings, selection)
        return [_lint_path(path) for path in paths]
    workers = min(jobs, len(paths))
    # Large chunks cost little here: a file takes milliseconds, a round trip more.
    chunk = max(1, len(paths) // (workers * 8))
    with ProcessPoolExecutor(
        workers, initializer=_start_worker, initargs=(settings, selection)
    ) as pool:
        return list(pool.map(_lint_path, paths, chunksize=chunk))
