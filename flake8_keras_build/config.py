"""One settings loader for every front end.

flake8 reads its own config files (``setup.cfg``, ``tox.ini``, ``.flake8``) and hands
the plugin the values; the ``fix`` command has no flake8 to do that, so it reads the
same files the way flake8 finds them, and also ``[tool.flake8-keras-build]`` in
``pyproject.toml`` (which flake8 itself never reads). Both paths validate through
``settings_from_values``, so a value means the same thing everywhere.
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path
from typing import Any, Dict, Mapping, Optional, Tuple

from .settings import Settings, SettingsError, parse_keras_version, parse_layer_bases

OPTIONS = ("keras-version", "keras-layer-bases", "keras-no-cross-module")
PYPROJECT_TABLE = "flake8-keras-build"
FLAKE8_FILES = ("setup.cfg", "tox.ini", ".flake8")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def _flag(name: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise SettingsError(f"--{name} takes true or false; got {value!r}")


def settings_from_values(values: Mapping[str, object], strict: bool = False) -> Settings:
    """Settings from option values keyed by option name (``keras-version`` or
    ``keras_version``). ``strict``: an unknown key is an error (our own table)."""
    given: Dict[str, object] = {}
    for name, value in values.items():
        key = _key(name)
        if key in OPTIONS:
            given[key] = value
        elif strict:
            raise SettingsError(f"unknown option {name!r}; known: {', '.join(OPTIONS)}")
    return Settings(
        keras_version=parse_keras_version(given.get("keras-version", "auto")),
        layer_bases=parse_layer_bases(given.get("keras-layer-bases", "")),
        cross_module=not _flag("keras-no-cross-module", given.get("keras-no-cross-module", False)),
    )


def _parents(start: Path) -> Tuple[Path, ...]:
    start = start.resolve()
    return (start,) + tuple(start.parents)


def find_flake8_config(start: Path) -> Optional[Path]:
    """The file flake8 would use: the first of setup.cfg, tox.ini, .flake8 with a
    ``[flake8]`` section, from ``start`` up."""
    for directory in _parents(start):
        for name in FLAKE8_FILES:
            path = directory / name
            if not path.is_file():
                continue
            parser = configparser.RawConfigParser()
            try:
                parser.read(path, encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError):
                continue  # flake8 would fail on it; not ours to judge
            if parser.has_section("flake8"):
                return path
    return None


def find_pyproject(start: Path) -> Optional[Path]:
    """The nearest ``pyproject.toml`` from ``start`` up (the project's root)."""
    for directory in _parents(start):
        path = directory / "pyproject.toml"
        if path.is_file():
            return path
    return None


def _toml(path: Path) -> Dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.9/3.10
        import tomli as tomllib
    with path.open("rb") as handle:
        data: Dict[str, Any] = tomllib.load(handle)
    return data


def file_values(start: Path) -> Tuple[Dict[str, object], Tuple[Path, ...]]:
    """Option values from the config files found from ``start``, and those files.
    ``pyproject.toml``'s table wins over the flake8 file's ``[flake8]`` section."""
    values: Dict[str, object] = {}
    used = []
    flake8_file = find_flake8_config(start)
    if flake8_file is not None:
        parser = configparser.RawConfigParser()
        parser.read(flake8_file, encoding="utf-8")
        section = {k: v for k, v in parser.items("flake8") if _key(k) in OPTIONS}
        if section:
            used.append(flake8_file)
            values.update({_key(k): v for k, v in section.items()})
    pyproject = find_pyproject(start)
    if pyproject is not None:
        try:
            data = _toml(pyproject)
        except (OSError, ValueError) as error:  # tomllib.TOMLDecodeError is a ValueError
            raise SettingsError(f"{pyproject}: cannot be read: {error}") from None
        table = data.get("tool", {}).get(PYPROJECT_TABLE)
        if table is not None:
            if not isinstance(table, dict):
                raise SettingsError(f"{pyproject}: [tool.{PYPROJECT_TABLE}] must be a table")
            try:
                settings_from_values(table, strict=True)
            except SettingsError as error:
                raise SettingsError(f"{pyproject} [tool.{PYPROJECT_TABLE}]: {error}") from None
            used.append(pyproject)
            values.update({_key(k): v for k, v in table.items()})
    return values, tuple(used)


def load_settings(
    start: Path, command_line: Mapping[str, object]
) -> Tuple[Settings, Tuple[Path, ...]]:
    """Settings for the fix command: config files found from ``start``, then the
    command line's values (those given, not None) on top."""
    values, used = file_values(start)
    values.update({_key(k): v for k, v in command_line.items() if v is not None})
    return settings_from_values(values), used
