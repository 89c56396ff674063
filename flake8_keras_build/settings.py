"""Typed, frozen settings shared by the flake8 plugin, the tests and the docs."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Literal, Tuple

KerasVersion = Literal["auto", "2", "3"]
KERAS_VERSIONS: Tuple[KerasVersion, ...] = ("auto", "2", "3")

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\.\*)?$")


class SettingsError(ValueError):
    """A setting with a value the plugin cannot use; the text says which and why."""


@dataclass(frozen=True)
class Settings:
    """What the user configured. The defaults are what flake8 uses without options."""

    keras_version: KerasVersion = "auto"
    layer_bases: Tuple[str, ...] = ()
    # Follow bases imported from the project's other modules (read from disk).
    cross_module: bool = True

    def targets_keras2(self) -> bool:
        """Findings about Keras 2 behaviour are reported."""
        return self.keras_version != "3"

    def targets_keras3(self) -> bool:
        """Findings about Keras 3 behaviour are reported."""
        return self.keras_version != "2"


def parse_keras_version(value: object) -> KerasVersion:
    text = str(value).strip()
    for version in KERAS_VERSIONS:
        if text == version:
            return version
    raise SettingsError(
        f"--keras-version must be one of {', '.join(KERAS_VERSIONS)}; got {text!r}"
    )


def parse_layer_bases(value: object) -> Tuple[str, ...]:
    """Accept a comma/whitespace separated string or a list of dotted names."""
    items: Iterable[str]
    if isinstance(value, str):
        items = re.split(r"[,\s]+", value)
    elif isinstance(value, (list, tuple)):
        items = [part for item in value for part in re.split(r"[,\s]+", str(item))]
    else:
        raise SettingsError(f"--keras-layer-bases: cannot read {value!r}")
    bases = tuple(item.strip() for item in items if item.strip())
    for base in bases:
        if not _DOTTED.match(base) or base == "*":
            raise SettingsError(
                "--keras-layer-bases takes fully qualified class names such as "
                f"mypkg.layers.Base or mypkg.layers.*; got {base!r}"
            )
    return bases
