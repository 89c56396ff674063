"""Run the fixer over every file of a corpus and check what issue 4 asks of it.

    python tools/check_fixes_on_corpus.py [ROOT]    (default: .corpus/src)

Nothing is written: each file is fixed in memory. For every file it checks that
  * the output parses (ast, and libcst when the input did);
  * re-linting the output leaves no finding that has a fix, except those the fix
    declined (and said why);
  * a second run changes nothing;
  * a file with no fixable finding comes back byte for byte.
and prints the counts: files changed, fixes per rule, fixes declined per reason.
Exit 1 when a check fails.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Counter as CounterT
from typing import List, Set, Tuple

from flake8_keras_build.engine import lint
from flake8_keras_build.fixes.cli import python_files
from flake8_keras_build.fixes.registry import fix_for
from flake8_keras_build.fixes.runner import fix_source
from flake8_keras_build.source_bytes import read_source


def _fixable(source: str, filename: str) -> Set[Tuple[int, str]]:
    return {
        (f.line, f.code)
        for f in lint(source, filename=filename)
        if f.subject is not None and fix_for(f.code) is not None
    }


def main(argv: List[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", nargs="?", type=Path, default=Path(".corpus/src"))
    parser.add_argument("--show", type=int, default=5, help="failures shown per check")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        print(f"{args.root}: not a directory (run ../shared/corpus/evaluate.py first)")
        return 2
    started = time.perf_counter()
    files = changed = 0
    applied: CounterT[str] = Counter()
    declined: CounterT[Tuple[str, str]] = Counter()
    errors: CounterT[str] = Counter()
    failures: CounterT[str] = Counter()
    shown: List[str] = []

    def fail(check: str, path: Path, detail: str = "") -> None:
        failures[check] += 1
        if failures[check] <= args.show:
            shown.append(f"{check}: {path} {detail}")

    for path in python_files(args.root):
        try:
            data = path.read_bytes()
            text, encoding = read_source(data)
        except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
            continue  # not Python text; flake8 reports it, the fixer skips it
        files += 1
        name = str(path)
        result = fix_source(text, filename=name)
        if result.error:
            errors[result.error] += 1
        for finding, reason in result.declined:
            declined[(finding.code, reason)] += 1
        if not result.changed:
            if result.source.encode(encoding) != data:
                fail("unchanged file differs", path)
            continue
        if not _fixable(text, name):
            fail("file without fixable findings changed", path)
        changed += 1
        applied.update(result.applied)
        try:
            ast.parse(result.source.lstrip("\ufeff"))
        except SyntaxError as problem:
            fail("output does not parse", path, str(problem))
            continue
        left = _fixable(result.source, name)
        kept = {(f.line, f.code) for f, _ in result.declined}
        if left - kept:
            fail("fixable findings left", path, str(sorted(left - kept)[:3]))
        again = fix_source(result.source, filename=name)
        if again.source != result.source:
            fail("second run changes the output", path, str(dict(again.applied)))

    seconds = time.perf_counter() - started
    print(f"{files} files in {seconds:.0f} s; {changed} changed; errors: {sum(errors.values())}")
    for error, count in errors.most_common():
        print(f"  error x{count}: {error}")
    print("fixes applied per rule:")
    for code, count in sorted(applied.items()):
        print(f"  {code}: {count}")
    print("fixes declined, per rule and reason:")
    for (code, reason), count in sorted(declined.items()):
        print(f"  {code} x{count}: {reason}")
    print("checks failed:" if failures else "every check passed")
    for check, count in failures.most_common():
        print(f"  {check}: {count}")
    for line in shown:
        print(f"    {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
