"""Which Python syntax which libcst version parses, next to what ``ast`` accepts.

The plugin reads flake8's ``ast`` tree for the gate and parses the methods of layer
classes with libcst; a method libcst cannot parse is left out of the model (see
docs/syntax-support.md). This prints, per construct, whether ``ast.parse`` (the
running Python) and ``libcst.parse_module`` (the installed libcst) accept a snippet.
libcst's result counts only if its tree prints back the exact source, as libcst
promises.

Usage (from the repository root)::

    python benchmarks/syntax_floor.py             # this Python, the installed libcst
    python benchmarks/syntax_floor.py --python /tmp/venvs/*/bin/python
                                                  # one column per interpreter

With ``--python`` each interpreter runs this script with ``--json`` (it needs only
libcst installed there, not the plugin) and the results are merged into one table:
an ``ast`` column per Python version, a libcst column per libcst version (split by
Python version only where the same libcst answers differently on two of them).
"""

from __future__ import annotations

import argparse
import ast
import json
import platform
import subprocess
import sys
import warnings
from typing import Dict, List, Optional, Tuple

# (id, what, the Python version that made it valid, a module using it)
CONSTRUCTS: List[Tuple[str, str, str, str]] = [
    ("posonly", "positional-only parameters `def f(a, /)`", "3.8", "def f(a, /, b):\n    pass\n"),
    ("walrus", "assignment expression `(y := f())`", "3.8", "if (y := f()):\n    pass\n"),
    ("fstring-eq", 'f-string `=` specifier `f"{x=!r:>8}"`', "3.8", 'f"{x=!r:>8}"\n'),
    ("star-return", "unparenthesized `return *a, b`", "3.8", "def f():\n    return *a, b\n"),
    (
        "relaxed-decorator",
        "any expression as decorator `@b[0].connect` (PEP 614)",
        "3.9",
        "@buttons[0].clicked.connect\ndef f():\n    pass\n",
    ),
    (
        "paren-with",
        "parenthesized context managers `with (a as x, b as y):`",
        "3.10",
        "with (open(a) as f, open(b) as g,):\n    pass\n",
    ),
    (
        "match",
        "`match` statement (PEP 634)",
        "3.10",
        "match command:\n"
        "    case [1, *rest]:\n"
        "        pass\n"
        "    case {'k': v, **kw}:\n"
        "        pass\n"
        "    case Point(x=0) | None:\n"
        "        pass\n"
        "    case _:\n"
        "        pass\n",
    ),
    (
        "soft-keyword-names",
        "`match`, `case`, `type` as plain names",
        "3.10",
        "match = type = 1\nmatch.group(type)\n",
    ),
    ("walrus-index", "unparenthesized walrus in an index `x[y := 1]`", "3.10", "x[y := 1]\n"),
    (
        "except-star",
        "`except*` (PEP 654)",
        "3.11",
        "try:\n    pass\nexcept* (ValueError, TypeError) as eg:\n    pass\n",
    ),
    ("star-index", "star in an index `x[*a, b]` (PEP 646)", "3.11", "x[*a, b]\n"),
    ("star-annotation", "starred `*args: *Ts` (PEP 646)", "3.11", "def f(*args: *Ts):\n    pass\n"),
    (
        "type-params",
        "type parameters `def f[T]`, `class A[T, *Ts, **P]` (PEP 695)",
        "3.12",
        "def f[T: int, U: (str, bytes)](x: T) -> T:\n"
        "    return x\n"
        "\n"
        "\n"
        "class A[T, *Ts, **P]:\n"
        "    pass\n",
    ),
    (
        "type-alias",
        "`type X[T] = ...` statement (PEP 695)",
        "3.12",
        "type Point[T] = tuple[T, T]\n",
    ),
    (
        "fstring-quotes",
        'f-string reusing its quotes `f"{d["k"]}"` (PEP 701)',
        "3.12",
        'f"{d["k"]}"\n',
    ),
    (
        "fstring-nested",
        "f-strings nested in the same quotes (PEP 701)",
        "3.12",
        'f"{f"{f"{x}"}"}"\n',
    ),
    (
        "fstring-backslash",
        "backslash in an f-string expression (PEP 701)",
        "3.12",
        "f\"{'\\n'.join(a)}\"\n",
    ),
    (
        "fstring-comment",
        "multi-line f-string expression with a comment (PEP 701)",
        "3.12",
        'f"{\n    x  # a comment\n}"\n',
    ),
    (
        "type-param-defaults",
        "type parameter defaults `def f[T = int]` (PEP 696)",
        "3.13",
        "def f[T = int]():\n    pass\n\n\nclass A[T = str]:\n    pass\n",
    ),
    (
        "except-no-parens",
        "`except A, B:` without parentheses (PEP 758)",
        "3.14",
        "try:\n    pass\nexcept ValueError, TypeError:\n    pass\n",
    ),
    ("template-string", 'template strings `t"{name}"` (PEP 750)', "3.14", 't"Hello {name}"\n'),
    ("paren-ann-name", "parenthesized annotated target `(x): int = 1`", "3.0", "(x): int = 1\n"),
    (
        "paren-ann-attr",
        "parenthesized annotated attribute `(self.w): int = 1`",
        "3.0",
        "(self.w): int = 1\n",
    ),
    ("paren-ann-bare", "parenthesized annotation without a value `(x): int`", "3.0", "(x): int\n"),
    ("form-feed-indent", "form feed in an indentation", "3.0", "if x:\n\x0c    pass\n"),
]


def measure() -> Dict[str, object]:
    from importlib import metadata

    import libcst

    results: Dict[str, Dict[str, bool]] = {}
    for ident, _, _, source in CONSTRUCTS:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escape sequences
            try:
                ast.parse(source)
                ast_ok = True
            except SyntaxError:
                ast_ok = False
        try:
            cst_ok = libcst.parse_module(source).code == source
        except Exception:  # noqa: BLE001 - libcst raises several types on bad input
            cst_ok = False
        results[ident] = {"ast": ast_ok, "libcst": cst_ok}
    return {
        "python": platform.python_version(),
        "libcst": metadata.version("libcst"),
        "results": results,
    }


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def _version_key(version: str) -> Tuple[int, ...]:
    return tuple(int(part) for part in version.split(".") if part.isdigit())


Results = Dict[str, Dict[str, bool]]


def table(runs: List[Dict[str, object]]) -> str:
    """One Markdown table from the runs of several interpreters: an ``ast`` column
    per Python, a column per libcst version, consecutive versions that answer alike
    in one column, and under the table the Pythons each version was measured on."""
    by_python: Dict[str, Results] = {}
    by_libcst: Dict[str, List[Tuple[str, Results]]] = {}
    for run in runs:
        python, version = _minor(str(run["python"])), str(run["libcst"])
        results = run["results"]
        assert isinstance(results, dict)
        by_python.setdefault(python, results)
        by_libcst.setdefault(version, []).append((python, results))
    columns: List[Tuple[str, str, Results]] = [
        (f"ast {python}", "ast", by_python[python])
        for python in sorted(by_python, key=_version_key)
    ]
    merged: List[Tuple[List[str], str, Results]] = []  # versions, their answers, results
    notes: List[str] = []
    for version in sorted(by_libcst, key=_version_key):
        measured = sorted(by_libcst[version], key=lambda item: _version_key(item[0]))
        notes.append(f"libcst {version}: Python {', '.join(p for p, _ in measured)}")
        answers = [json.dumps({k: v["libcst"] for k, v in r.items()}) for _, r in measured]
        if len(set(answers)) > 1:
            # The same release answering differently on two Pythons: one column each.
            for python, results in measured:
                merged.append(([f"{version} (py {python})"], "", results))
        elif merged and merged[-1][1] == answers[0]:
            merged[-1][0].append(version)
        else:
            merged.append(([version], answers[0], measured[0][1]))
    for versions, _, results in merged:
        columns.append(("libcst " + ", ".join(versions), "libcst", results))
    header = ["construct", "valid since"] + [title for title, _, _ in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for ident, what, since, _ in CONSTRUCTS:
        cells = [what, f"Python {since}"]
        for _, parser, results in columns:
            cells.append("yes" if results[ident][parser] else "**no**")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Measured with " + "; ".join(notes) + ".")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--json", action="store_true", help="print this interpreter's results as JSON"
    )
    parser.add_argument(
        "--python",
        nargs="+",
        metavar="EXE",
        help="interpreters to measure (each with libcst installed)",
    )
    args = parser.parse_args(argv)
    if args.json:
        print(json.dumps(measure()))
        return 0
    runs = []
    for exe in args.python or [sys.executable]:
        out = subprocess.run(
            [exe, __file__, "--json"], check=True, capture_output=True, text=True
        ).stdout
        runs.append(json.loads(out))
    print(table(runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
