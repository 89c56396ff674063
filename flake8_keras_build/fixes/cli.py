"""``python -m flake8_keras_build fix``: rewrite files in place, print a diff, or
filter stdin to stdout (editors). Exit 1 when something changed or would change (so
it fails a CI step or a pre-commit hook), 2 on an error, else 0."""

from __future__ import annotations

import argparse
import difflib
import io
import sys
import tokenize
from pathlib import Path
from typing import Iterator, List, Optional, TextIO, Tuple

from ..rules import RULES
from ..settings import Settings
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


def read_source(data: bytes) -> Tuple[str, str]:
    """The text and its encoding (PEP 263 cookie or BOM, default UTF-8)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    if encoding == "utf-8-sig":
        # Keep the BOM in the text so that it is written back as it was.
        return data.decode("utf-8"), "utf-8"
    return data.decode(encoding), encoding


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
            try:
                data = path.read_bytes()
                text, encoding = read_source(data)
            except (OSError, SyntaxError, UnicodeDecodeError, LookupError) as error:
                print(f"{path}: error: cannot be read: {error}", file=sys.stderr)
                errors += 1
                continue
            result = fix_source(text, settings, select, str(path))
            report(result, str(path), sys.stderr)
            errors += bool(result.error)
            if not result.changed:
                continue
            changed += 1
            fixes += sum(result.applied.values())
            if args.diff:
                sys.stdout.write(diff(result, str(path)))
            else:
                path.write_bytes(result.source.encode(encoding))
    verb = "would fix" if args.diff else "fixed"
    if changed:
        print(f"{verb} {fixes} finding(s) in {changed} file(s)", file=sys.stderr)
    if errors:
        return 2
    return 1 if changed else 0
