"""The flake8 adapter: options in, ``(line, col, message, type)`` tuples out.

flake8 hands us its ``ast`` tree and the lines it read (the file, or an editor
buffer on stdin); the plugin never opens ``filename`` itself.
"""

from __future__ import annotations

import argparse
import ast
import logging
from typing import Any, ClassVar, Iterator, List, Sequence, Tuple

from . import __version__
from .config import settings_from_values
from .engine import lint
from .opt_in import OPT_IN_CODES
from .settings import KERAS_VERSIONS, Settings, SettingsError

LOG = logging.getLogger(__name__)


class Plugin:
    name = "flake8-keras-build"
    version = __version__

    settings: ClassVar[Settings] = Settings()

    def __init__(self, tree: ast.Module, lines: Sequence[str], filename: str = "") -> None:
        self._tree = tree
        self._lines = lines
        self._filename = filename

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--keras-version",
            default="auto",
            choices=list(KERAS_VERSIONS),
            parse_from_config=True,
            help="Keras version the code targets: 2, 3 or auto (report what breaks "
            "in either). (Default: %(default)s)",
        )
        manager.add_option(
            "--keras-layer-bases",
            default="",
            parse_from_config=True,
            help="Comma-separated fully qualified names of your own layer base "
            "classes defined in other modules; `pkg.module.*` matches every class "
            "of that module.",
        )
        manager.add_option(
            "--keras-no-cross-module",
            action="store_true",
            default=False,
            parse_from_config=True,
            help="Do not look up base classes imported from the project's other "
            "modules (they are read from disk, never executed).",
        )
        # Opt-in rules are reported only when selected explicitly
        # (``--extend-select KLB304``).
        manager.extend_default_ignore(list(OPT_IN_CODES))

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        # Values from config files reach us as raw strings that argparse never
        # checked (flake8 sets them on the namespace directly), so validate here.
        try:
            cls.settings = settings_from_values(
                {
                    "keras-version": options.keras_version,
                    "keras-layer-bases": options.keras_layer_bases,
                    "keras-no-cross-module": options.keras_no_cross_module,
                }
            )
        except SettingsError as error:
            # flake8 prints an ExecutionError as one clear line and exits non-zero.
            from flake8.exceptions import ExecutionError

            raise ExecutionError(f"flake8-keras-build: {error}") from None

    def run(self) -> Iterator[Tuple[int, int, str, type]]:
        findings: List[Any]
        try:
            source = "".join(self._lines)
            findings = lint(
                source, self.settings, tree=self._tree, lines=self._lines, filename=self._filename
            )
        except Exception:  # noqa: BLE001 - an escaping exception aborts all of flake8
            LOG.exception("flake8-keras-build failed on %s; no KLB findings for it", self._filename)
            return
        for finding in findings:
            yield finding.line, finding.col, finding.flake8_text(), type(self)
