"""The options flake8 owns and ``check`` and the server honour the same way: which
codes are reported (``select``, ``ignore``, ``extend-select``, ``extend-ignore``,
``per-file-ignores``) and which files are linted (``exclude``, ``extend-exclude``).

Values come from a flake8 file's ``[flake8]`` section (strings), from
``[tool.flake8-keras-build]`` in ``pyproject.toml`` (strings, lists or, for
``per-file-ignores``, a table) and from the command line; all are checked here, and
flake8's own parsers read them, so a value means what it means to flake8.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional, Tuple

from flake8 import defaults, exceptions, utils

from .settings import SettingsError

SELECTION_OPTIONS = ("select", "ignore", "extend-select", "extend-ignore", "per-file-ignores")
PATH_OPTIONS = ("exclude", "extend-exclude")

# flake8's defaults and the usual environment and build folders, never worth linting.
DEFAULT_EXCLUDE: Tuple[str, ...] = tuple(
    dict.fromkeys((*defaults.EXCLUDE, ".venv", "venv", "build", "dist", "node_modules"))
)

Codes = Tuple[str, ...]
PerFileIgnores = Tuple[Tuple[str, Codes], ...]


@dataclass(frozen=True)
class Selection:
    """Which codes are reported, as flake8's options say it. ``None``: not given,
    so flake8's default applies (every plugin code selected; the opt-in codes and
    flake8's own default list ignored)."""

    select: Optional[Codes] = None
    ignore: Optional[Codes] = None
    extend_select: Codes = ()
    extend_ignore: Codes = ()
    # (pattern, codes): patterns with a path separator are absolute already.
    per_file_ignores: PerFileIgnores = ()


@dataclass(frozen=True)
class FileOptions:
    """Which files a directory walk skips: fnmatch patterns, matched as flake8 does
    against a file's or directory's name and against its absolute path."""

    exclude: Tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: Tuple[str, ...] = ()

    @property
    def patterns(self) -> Tuple[str, ...]:
        return self.exclude + self.extend_exclude


def _text(name: str, value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return ",".join(value)
    raise SettingsError(f"--{name} takes a comma-separated list; got {value!r}")


def parse_codes(name: str, value: object) -> Codes:
    """``KLB1,KLB203`` (or a list): code prefixes, each as flake8 accepts them."""
    codes = tuple(utils.parse_comma_separated_list(_text(name, value)))
    for code in codes:
        if not defaults.VALID_CODE_PREFIX.match(code):
            raise SettingsError(
                f"--{name}: {code!r} is not an error code or prefix "
                f"(it must match {defaults.VALID_CODE_PREFIX.pattern})"
            )
    return codes


def parse_patterns(name: str, value: object, base: Path) -> Tuple[str, ...]:
    """Comma-separated path patterns; one with a separator is made absolute from
    ``base`` (the directory of the file it was read from), as flake8 does."""
    return tuple(
        utils.normalize_path(pattern, str(base))
        for pattern in utils.parse_comma_separated_list(_text(name, value))
    )


def parse_per_file_ignores(value: object, base: Path) -> PerFileIgnores:
    """flake8's ``pattern: codes`` lines, or a TOML table ``{pattern = codes}``."""
    pairs: list[Tuple[str, Codes]] = []
    if isinstance(value, Mapping):
        for pattern, codes in value.items():
            pairs.append((str(pattern), parse_codes("per-file-ignores", codes)))
    else:
        try:
            mapping = utils.parse_files_to_codes_mapping(_text("per-file-ignores", value))
        except exceptions.ExecutionError:
            raise SettingsError(
                f"--per-file-ignores takes lines of `pattern: codes`; cannot read {value!r}"
            ) from None
        for pattern, codes in mapping:
            pairs.append((pattern, parse_codes("per-file-ignores", ",".join(codes))))
    return tuple((utils.normalize_path(pattern, str(base)), codes) for pattern, codes in pairs)


def selection_from_values(values: Mapping[str, object], bases: Mapping[str, Path]) -> Selection:
    """``bases``: the directory each value's patterns are relative to (the current
    directory when missing)."""

    def codes(name: str) -> Optional[Codes]:
        return parse_codes(name, values[name]) if name in values else None

    here = Path(os.curdir)
    per_file = values.get("per-file-ignores", "")
    return Selection(
        select=codes("select"),
        ignore=codes("ignore"),
        extend_select=codes("extend-select") or (),
        extend_ignore=codes("extend-ignore") or (),
        per_file_ignores=parse_per_file_ignores(per_file, bases.get("per-file-ignores", here)),
    )


def file_options_from_values(
    values: Mapping[str, object], bases: Mapping[str, Path]
) -> FileOptions:
    here = Path(os.curdir)
    exclude = DEFAULT_EXCLUDE
    if "exclude" in values:
        exclude = parse_patterns("exclude", values["exclude"], bases.get("exclude", here))
    extend: Tuple[str, ...] = ()
    if "extend-exclude" in values:
        extend = parse_patterns(
            "extend-exclude", values["extend-exclude"], bases.get("extend-exclude", here)
        )
    return FileOptions(exclude, extend)
