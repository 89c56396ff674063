"""``flake8-keras-build check [PATHS...]``: lint without flake8 and write the reports
in one of the output formats. Exit status: 0 clean, 1 findings, 2 a usage, config
or I/O error (the reports of the files that could be read are still written)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Sequence

from ..config import CheckConfig, load_check_config
from ..options import DEFAULT_EXCLUDE
from ..settings import KERAS_VERSIONS, SettingsError
from .files import STDIN, discover
from .formats import FORMATS, TEXT_FORMATS
from .formats.text import statistics
from .lint_file import Report, lint_bytes
from .parallel import FileResult, default_jobs, lint_paths
from .selection import Selector

DESCRIPTION = (
    "Lint Python files for Keras layer bugs (the KLB codes) without flake8. Options also "
    "come from [tool.flake8-keras-build] in pyproject.toml and from the [flake8] section "
    "of setup.cfg, tox.ini or .flake8 (the command line wins). Exit status: 0 clean, "
    "1 findings, 2 a usage, configuration or I/O error."
)


class CheckError(Exception):
    """A usage error found after parsing: one line, exit 2."""


def jobs_value(text: str) -> int:
    if text == "auto":
        return default_jobs()
    try:
        jobs = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"takes a number or auto; got {text!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"takes a number of at least 1; got {text!r}")
    return jobs


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files, directories, or - for stdin (default: .)"
    )
    output = parser.add_argument_group("output")
    output.add_argument("--output-format", choices=list(FORMATS), default="full")
    output.add_argument("--output-file", metavar="FILE", help="write the report here")
    output.add_argument("--statistics", action="store_true", help="count the findings of each code")
    output.add_argument(
        "--show-source", action="store_true", help="show each finding's line (text formats)"
    )
    output.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    selection = parser.add_argument_group("selection (as flake8's options)")
    for name in ("select", "ignore", "extend-select", "extend-ignore"):
        selection.add_argument(f"--{name}", metavar="CODES", default=None)
    selection.add_argument(
        "--per-file-ignores", metavar="MAPPING", default=None, help="e.g. 'tests/*: KLB2'"
    )
    parser.add_argument(
        "--isolated", action="store_true", help="read no config file (as flake8's --isolated)"
    )
    files = parser.add_argument_group("files")
    files.add_argument(
        "--exclude",
        metavar="PATTERNS",
        default=None,
        help=f"replace the excluded patterns (default: {','.join(DEFAULT_EXCLUDE)})",
    )
    files.add_argument("--extend-exclude", metavar="PATTERNS", default=None)
    files.add_argument(
        "--stdin-display-name",
        metavar="NAME",
        default="stdin",
        help="the path of the file read from stdin (reported, matched, and where its "
        "project is looked up)",
    )
    files.add_argument(
        "-j",
        "--jobs",
        type=jobs_value,
        default=None,
        metavar="N",
        help="processes to lint with (default: auto, one per core)",
    )
    fixing = parser.add_argument_group("fixing (the fix command's fixer)")
    fixing.add_argument(
        "--fix", action="store_true", help="fix what can be fixed, then report the rest"
    )
    fixing.add_argument(
        "--diff", action="store_true", help="print the fixes as a diff; change nothing"
    )
    analysis = parser.add_argument_group("analysis")
    analysis.add_argument("--keras-version", choices=list(KERAS_VERSIONS), default=None)
    analysis.add_argument("--keras-layer-bases", metavar="NAMES", default=None)
    analysis.add_argument("--keras-no-cross-module", action="store_true")


def _config(args: argparse.Namespace) -> CheckConfig:
    command_line = {
        name: getattr(args, name.replace("-", "_"))
        for name in (
            "select",
            "ignore",
            "extend-select",
            "extend-ignore",
            "per-file-ignores",
            "exclude",
            "extend-exclude",
            "keras-version",
            "keras-layer-bases",
        )
    }
    command_line["keras-no-cross-module"] = True if args.keras_no_cross_module else None
    return load_check_config(Path.cwd(), command_line, isolated=args.isolated)


def run(args: argparse.Namespace) -> int:
    try:
        config = _config(args)
        if args.fix and args.diff:
            raise CheckError("--fix and --diff cannot be combined")
        paths = discover(args.paths, config.files.patterns, args.stdin_display_name)
        if (args.fix or args.diff) and STDIN in paths:
            raise CheckError("--fix and --diff take files; for stdin use `fix -`")
    except (SettingsError, CheckError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.diff:
        return _fix(paths, config, as_diff=True)
    if args.fix:
        # What the fixer could not read or parse is reported by the lint below.
        _fix(paths, config, as_diff=False)
    results = _lint(paths, config, args)
    errors = [result for result in results if result.error]
    for result in errors:
        print(f"{result.path}: error: {result.error}", file=sys.stderr)
    reports = sorted((r for result in results for r in result.reports), key=lambda r: r.sort_key)
    try:
        _write(reports, args)
    except OSError as error:
        print(f"error: --output-file {args.output_file}: {error.strerror}", file=sys.stderr)
        return 2
    if errors:
        return 2
    return 1 if reports and not args.exit_zero else 0


def _lint(paths: List[str], config: CheckConfig, args: argparse.Namespace) -> List[FileResult]:
    results: List[FileResult] = []
    files = [path for path in paths if path != STDIN]
    if STDIN in paths:
        name = args.stdin_display_name
        selector = Selector(config.selection)
        reports = lint_bytes(sys.stdin.buffer.read(), name, config.settings, selector)
        results.append(FileResult(name, reports))
    jobs = args.jobs or default_jobs()
    results.extend(lint_paths(files, config.settings, config.selection, jobs))
    return results


def _fix(paths: Sequence[str], config: CheckConfig, as_diff: bool) -> int:
    """The fix command's per-file fixer, with the codes this file reports that have
    a fix; exit status as the fix command's."""
    # Lazy for start-up time: libcst is imported only when fixing.
    from ..fixes.cli import fix_file
    from ..rules import RULES

    selector = Selector(config.selection)
    fixable = [rule.code for rule in RULES if rule.fixable]
    changed = fixes = errors = 0
    for path in paths:
        select = [code for code in fixable if selector.reports(path, code)]
        if not select:
            continue
        outcome = fix_file(Path(path), config.settings, select, as_diff, sys.stdout)
        errors += outcome.error
        changed += outcome.changed
        fixes += outcome.fixes
    if changed:
        verb = "would fix" if as_diff else "fixed"
        print(f"{verb} {fixes} finding(s) in {changed} file(s)", file=sys.stderr)
    return 2 if errors else (1 if changed else 0)


def _write(reports: Sequence[Report], args: argparse.Namespace) -> None:
    text = FORMATS[args.output_format](reports, args.show_source)
    stats = statistics(reports) if args.statistics else ""
    textual = args.output_format in TEXT_FORMATS
    if textual:
        text += stats
    if args.output_file:
        with open(args.output_file, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    if stats and not textual:
        # stdout holds a JSON or SARIF document; the counts must not break it.
        sys.stderr.write(stats)
