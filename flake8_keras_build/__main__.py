"""``python -m flake8_keras_build`` (also the ``flake8-keras-build`` command): check
files, serve editors, fix files, explain a rule, regenerate or check the docs.

Each subcommand is a ``_add_<name>`` function that registers its parser and its
handler.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, NoReturn, Optional, cast

from . import __version__
from .config import load_settings
from .docs import REGENERATE, DocsError, render_rule, stale_docs, write_docs
from .rules import RULES_BY_CODE
from .settings import SettingsError

# argparse has no public name for it; only read as an annotation.
_Subparsers = argparse._SubParsersAction


class _Parser(argparse.ArgumentParser):
    """A usage error is one line (and exit 2), like a bad config value."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _check(args: argparse.Namespace) -> int:
    # Lazy for start-up time: the other commands need none of the linting.
    from .check.command import run

    return run(args)


def _add_check(subparsers: _Subparsers[argparse.ArgumentParser]) -> None:
    # Lazy for start-up time: its options only; the linting is imported when it runs.
    from .check.command import DESCRIPTION, add_arguments

    parser = subparsers.add_parser(
        "check", help="lint files and report the findings (no flake8 needed)",
        description=DESCRIPTION,
    )
    add_arguments(parser)
    parser.set_defaults(handler=_check)


def _server(args: argparse.Namespace) -> int:
    # Lazy for start-up time, and pygls is there only with the server extra.
    from .server.main import serve

    return serve()


def _add_server(subparsers: _Subparsers[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "server",
        help="a language server over stdio (pip install 'flake8-keras-build[server]')",
        description="Run the language server on stdin/stdout: diagnostics on the unsaved "
        "buffer, quick fixes from the fixer. Needs the server extra "
        "(pip install 'flake8-keras-build[server]').",
    )
    parser.set_defaults(handler=_server)


def _explain(args: argparse.Namespace) -> int:
    rule = RULES_BY_CODE.get(args.code.strip().upper())
    if rule is None:
        known = ", ".join(RULES_BY_CODE)
        print(f"unknown rule code {args.code!r}; known: {known}", file=sys.stderr)
        return 2
    sys.stdout.write(render_rule(rule))
    return 0


def _docs(args: argparse.Namespace) -> int:
    root: Path = args.root
    if not root.is_dir():
        print(f"--root {root}: not a directory", file=sys.stderr)
        return 2
    try:
        paths = stale_docs(root) if args.check else write_docs(root)
    except DocsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in paths:
        print(path)
    if args.check and paths:
        print(f"{len(paths)} stale file(s); run `{REGENERATE}`", file=sys.stderr)
        return 1
    return 0


def _fix(args: argparse.Namespace) -> int:
    # Lazy for start-up time: the fixer brings libcst, which only this command needs.
    from .fixes.cli import UsageError, run

    command_line = {
        "keras-version": args.keras_version,
        "keras-layer-bases": args.keras_layer_bases,
        "keras-no-cross-module": True if args.keras_no_cross_module else None,
    }
    try:
        settings, _ = load_settings(Path.cwd(), command_line)
        return run(args, settings)
    except (SettingsError, UsageError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _add_fix(subparsers: _Subparsers[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "fix",
        help="rewrite the findings whose repair is mechanical",
        description="Fix KLB findings in place (or print a diff, or filter stdin to "
        "stdout). Exit status: 1 when something was or would be changed, 2 on an "
        "error, 0 otherwise. Options also come from [tool.flake8-keras-build] in "
        "pyproject.toml and from the [flake8] section of setup.cfg, tox.ini or .flake8.",
    )
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files, directories, or - for stdin"
    )
    parser.add_argument("--diff", action="store_true", help="print a unified diff; change nothing")
    parser.add_argument(
        "--select", metavar="CODES", help="only these codes or prefixes, e.g. KLB105,KLB2"
    )
    parser.add_argument(
        "--stdin-display-name",
        metavar="NAME",
        help="the path of the file read from stdin (where its project is looked up)",
    )
    parser.add_argument("--keras-version", choices=["auto", "2", "3"], default=None)
    parser.add_argument("--keras-layer-bases", metavar="NAMES", default=None)
    parser.add_argument("--keras-no-cross-module", action="store_true")
    parser.set_defaults(handler=_fix)


def _add_explain(subparsers: _Subparsers[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("explain", help="print the documentation of a rule")
    parser.add_argument("code", help="a rule code such as KLB105 (any case)")
    parser.set_defaults(handler=_explain)


def _add_docs(subparsers: _Subparsers[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "docs", help="regenerate docs/rules/*.md and the rules table in README.md"
    )
    parser.add_argument(
        "--root", type=Path, default=Path("."), help="project root (default: current directory)"
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; list the stale files and exit 1 when there are any",
    )
    parser.set_defaults(handler=_docs)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m flake8_keras_build")
    parser.add_argument("--version", action="version", version=f"flake8-keras-build {__version__}")
    # Subcommands are _Parser too (argparse uses the parent's class).
    subparsers = cast(
        "_Subparsers[argparse.ArgumentParser]",
        parser.add_subparsers(dest="command", metavar="COMMAND", required=True),
    )
    _add_check(subparsers)
    _add_server(subparsers)
    _add_fix(subparsers)
    _add_explain(subparsers)
    _add_docs(subparsers)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    code: int = args.handler(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
