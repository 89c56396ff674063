"""One settings loader for every front end.

flake8 reads its own config files (``setup.cfg``, ``tox.ini``, ``.flake8``) and hands
the plugin the values; the ``fix`` command has no flake8 to do that, so it reads the
same files the way flake8 finds them, and also ``[tool.flake8-keras-build]`` in
``pyproject.toml`` (which flake8 itself never reads). Both paths validate through
``settings_from_values``, so a value means the same thing everywhere.

``check`` and the language server also read flake8's own selection and exclude
options from the same files (``load_check_config``); ``options.py`` parses them.
"""

from __future__ import annotations

import configparser
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Mapping, Optional, Tuple

from .options import (
    PATH_OPTIONS,
    SELECTION_OPTIONS,
    FileOptions,
    Selection,
    file_options_from_values,
    selection_from_values,
)
from .settings import Settings, SettingsError, parse_keras_version, parse_layer_bases

SETTINGS_OPTIONS = ("keras-version", "keras-layer-bases", "keras-no-cross-module")
OPTIONS = SETTINGS_OPTIONS + SELECTION_OPTIONS + PATH_OPTIONS
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
        if key in SETTINGS_OPTIONS:
            given[key] = value
        elif strict and key not in OPTIONS:
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


@dataclass(frozen=True)
class ConfigFiles:
    """What the config files found from a directory say: option values by name, the
    directory of the file each came from (path patterns are relative to it), and
    the files read."""

    values: Dict[str, object]
    bases: Dict[str, Path]
    used: Tuple[Path, ...]
    # Keys whose patterns flake8 reads from the current directory, not the file's:
    # ``per-file-ignores`` from a flake8 file.
    cwd_relative: FrozenSet[str] = frozenset()


def read_config(start: Path) -> ConfigFiles:
    """Option values from the config files found from ``start``. ``pyproject.toml``'s
    table wins over the flake8 file's ``[flake8]`` section."""
    values: Dict[str, object] = {}
    bases: Dict[str, Path] = {}
    used = []
    cwd_relative: FrozenSet[str] = frozenset()
    flake8_file = find_flake8_config(start)
    if flake8_file is not None:
        parser = configparser.RawConfigParser()
        parser.read(flake8_file, encoding="utf-8")
        section = {_key(k): v for k, v in parser.items("flake8") if _key(k) in OPTIONS}
        if section:
            used.append(flake8_file)
            values.update(section)
            bases.update(dict.fromkeys(section, flake8_file.parent))
            # flake8 reads excludes from the config file's directory, per-file-ignores
            # from the current one.
            cwd_relative = frozenset(section) & {"per-file-ignores"}
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
            given = {_key(k): v for k, v in table.items()}
            try:
                settings_from_values(table, strict=True)
                selection_from_values(given, {})
                file_options_from_values(given, {})
            except SettingsError as error:
                raise SettingsError(f"{pyproject} [tool.{PYPROJECT_TABLE}]: {error}") from None
            used.append(pyproject)
            values.update(given)
            bases.update({k: pyproject.parent for k in given})
            cwd_relative -= given.keys()
    return ConfigFiles(values, bases, tuple(used), cwd_relative)


def file_values(start: Path) -> Tuple[Dict[str, object], Tuple[Path, ...]]:
    """Option values from the config files found from ``start``, and those files."""
    found = read_config(start)
    return found.values, found.used


def load_settings(
    start: Path, command_line: Mapping[str, object]
) -> Tuple[Settings, Tuple[Path, ...]]:
    """Settings for the fix command: config files found from ``start``, then the
    command line's values (those given, not None) on top."""
    values, used = file_values(start)
    values.update({_key(k): v for k, v in command_line.items() if v is not None})
    return settings_from_values(values), used


@dataclass(frozen=True)
class CheckConfig:
    """Everything ``check`` and the server read: the settings of the analysis,
    which codes are reported, which files are skipped, and the files read."""

    settings: Settings
    selection: Selection
    files: FileOptions
    used: Tuple[Path, ...]


def load_check_config(
    start: Path,
    command_line: Mapping[str, object],
    isolated: bool = False,
    as_flake8: bool = True,
) -> CheckConfig:
    """Config files found from ``start`` (none when ``isolated``, as flake8's
    ``--isolated``), then the command line's values (those given, not None;
    patterns relative to the current directory) on top. ``as_flake8``: a flake8
    file's ``per-file-ignores`` are relative to the current directory, as flake8
    reads them; an editor, whose current directory is anywhere, reads them from the
    file's own directory."""
    found = ConfigFiles({}, {}, ()) if isolated else read_config(start)
    values = dict(found.values)
    bases = {
        key: base
        for key, base in found.bases.items()
        if not (as_flake8 and key in found.cwd_relative)
    }
    for name, value in command_line.items():
        if value is not None:
            values[_key(name)] = value
            bases.pop(_key(name), None)
    return CheckConfig(
        settings_from_values(values),
        selection_from_values(values, bases),
        file_options_from_values(values, bases),
        found.used,
    )
