"""The check configuration of each folder a document is in, read again when one of
its config files changes. Editors do not all report file changes, so each lookup
compares the files' modification stamps (a few ``stat`` calls); a change notice
from the editor just forgets everything at once."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Dict, Optional, Tuple

from ..check.selection import Selector
from ..config import FLAKE8_FILES, CheckConfig, load_check_config

CONFIG_NAMES = (*FLAKE8_FILES, "pyproject.toml")

Stamp = Tuple[Tuple[str, Optional[Tuple[int, int]]], ...]


def _stamp(folder: Path) -> Stamp:
    stamps = []
    for directory in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = directory / name
            try:
                info = os.stat(path)
            except OSError:
                continue
            stamps.append((str(path), (info.st_mtime_ns, info.st_size)))
    return tuple(stamps)


class ProjectConfigs:
    """``for_folder(folder)``: the config and its selector; raises SettingsError for
    a bad value (the caller reports it and lints with the defaults)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: Dict[Path, Tuple[Stamp, CheckConfig, Selector]] = {}

    def for_folder(self, folder: Path) -> Tuple[CheckConfig, Selector]:
        stamp = _stamp(folder)
        with self._lock:
            cached = self._cache.get(folder)
        if cached is not None and cached[0] == stamp:
            return cached[1], cached[2]
        config = load_check_config(folder, {}, as_flake8=False)
        selector = Selector(config.selection)
        with self._lock:
            self._cache[folder] = (stamp, config, selector)
        return config, selector

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()
