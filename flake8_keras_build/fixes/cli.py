"""``python -m flake8_keras_build fix``: rewrite files in place, print a diff, or
filter stdin to stdout (editors). Exit 1 when something changed or would change (so
it fails a CI step or a pre-commit hook), 2 on an error, else 0."""

from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Sequence, TextIO, Tuple

from ..rules import RULES
from ..settings import Settings
from ..source_bytes import read_source
from .runner import FixResult, fix_source

# Directories never entered when a directory is given (environments, caches, builds).
SKIPPED_DIRS = frozenset(
    {"__pycache__", "build", "dist", "node_modules", "venv", "site-packages"}
)


def fixable_codes() -> List[str]:
    return [rule.code for rule in RULES if rule.fixable]


class UsageError(Exception):
    pass


def parse_select(text: Optional[str]) -> Tuple[str, ...]:
    """``KLB105,KLB2`` -> prefixes; each must name at least one fixable rule."""
    if not text:
        return ()
    prefixes = tuple(part.strip().upper() for part in text.split(",") if part.strip())
    codes = fixable_codes()
    for prefix in prefixes:
        if not any(code.startswith(prefix) for code in codes):
            raise UsageError(
                f"--select {prefix}: no fixable rule has this code; fixable: {', '.join(codes)}"
            )
    return prefixes


def python_files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    for child in sorted(path.iterdir()):
        if child.is_dir():
            if child.name.startswith(".") or child.name in SKIPPED_DIRS:
                continue
            yield from python_files(child)
        elif child.suffix == ".py":
            yield child


def report(result: FixResult, name: str, out: TextIO) -> None:
    if result.error:
        print(f"{name}: error: {result.error}", file=out)
    for finding, reason in result.declined:
        where = f"{name}:{finding.line}:{finding.col + 1}"
        print(f"{where}: {finding.code} not fixed: {reason}", file=out)


def diff(result: FixResult, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            result.original.splitlines(keepends=True),
            result.source.splitlines(keepends=True),
            # git's headers, which patch -p1 and review tools read; also for a path
            # given absolute (a/tmp/x.py, not a//tmp/x.py).
            fromfile=f"a/{name.lstrip('/')}",
            tofile=f"b/{name.lstrip('/')}",
        )
    )


@dataclass
class FileOutcome:
    """What fixing one file did: an error (not read, not parsed), the file changed
    (or, with ``diff``, would change), and how many findings were fixed."""

    error: bool = False
    changed: bool = False
    fixes: int = 0


def fix_file(
    path: Path, settings: Settings, select: Sequence[str], as_diff: bool, out: TextIO
) -> FileOutcome:
    """Fix one file in place, or write its diff to ``out``; what went wrong goes to
    stderr. The ``fix`` command and ``check --fix`` both fix through here."""
    try:
        data = path.read_bytes()
        text, encoding = read_source(data)
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as error:
        print(f"{path}: error: cannot be read: {error}", file=sys.stderr)
        return FileOutcome(error=True)
    result = fix_source(text, settings, select, str(path))
    report(result, str(path), sys.stderr)
    outcome = FileOutcome(error=bool(result.error), changed=result.changed)
    if not result.changed:
        return outcome
    outcome.fixes = sum(result.applied.values())
    if as_diff:
        out.write(diff(result, str(path)))
    else:
        path.write_bytes(result.source.encode(encoding))
    return outcome


def run(args: argparse.Namespace, settings: Settings) -> int:
    select = parse_select(args.select)
    paths: List[str] = args.paths
    errors = changed = 0
    fixes = 0
    if paths == ["-"]:
        name = args.stdin_display_name or "stdin"
        source = sys.stdin.buffer.read()
        try:
            text, _ = read_source(source)
        except (SyntaxError, UnicodeDecodeError, LookupError) as error:
            print(f"{name}: error: cannot be decoded: {error}", file=sys.stderr)
            sys.stdout.buffer.write(source)
            return 2
        display = name if args.stdin_display_name else None
        result = fix_source(text, settings, select, display)
        report(result, name, sys.stderr)
        if args.diff:
            sys.stdout.write(diff(result, name))
        else:
            sys.stdout.write(result.source)
        return 2 if result.error else (1 if result.changed else 0)
    if "-" in paths:
        raise UsageError("'-' (stdin) cannot be combined with paths")
    for given in paths:
        root = Path(given)
        if not root.exists():
            print(f"{given}: error: no such file or directory", file=sys.stderr)
            errors += 1
            continue
        for path in python_files(root):
            outcome = fix_file(path, settings, select, args.diff, sys.stdout)
            errors += outcome.error
            changed += outcome.changed
            fixes += outcome.fixes
    verb = "would fix" if args.diff else "fixed"
    if changed:
        print(f"{verb} {fixes} finding(s) in {changed} file(s)", file=sys.stderr)
    if errors:
        return 2
    return 1 if changed else 0
