"""``engine.lint`` on real code and on mangled code must never raise.

The flake8 plugin swallows exceptions (an escaping one would abort all of flake8),
so a crash there is silent: these tests call ``engine.lint`` directly, where a bug
raises. Two kinds of input:

* real code: the standard library, the installed site-packages and the dev corpus
  (the Keras packages the rules are written for);
* mutations of one seed layer: truncations, line endings, BOM, form feeds, odd
  names, odd nesting, a very large file.

Budget: about a minute on 2 cores. Real code is linted in a process pool (one
worker per core) and site-packages is sampled; ``KLB_ROBUSTNESS_FULL=1`` lints
every file of every tree (several minutes).
"""

from __future__ import annotations

import ast
import io
import os
import re
import sysconfig
import tokenize
import traceback
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import pytest

from flake8_keras_build.engine import lint
from flake8_keras_build.model import Finding
from flake8_keras_build.names import NameTable, ast_dotted
from flake8_keras_build.settings import Settings
from tests.seed import SEED

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".corpus" / "src"
FULL = os.environ.get("KLB_ROBUSTNESS_FULL") == "1"
JOBS = max(1, min(4, os.cpu_count() or 1))

# The corpus evaluator's definition of a test file (../shared/corpus/evaluate.py):
# the corpus labels, and so the rules, are about library code.
TEST_FILE = re.compile(r"(/tests/|_test\.py$|(^|/)test_[^/]*\.py$)")

# Sampling, when not FULL. Measured on this machine (2 cores, Python 3.11), linting
# one process: stdlib (1,790 files) 5 s; site-packages (12,000 files) 22 s, almost
# all of it ``ast.parse`` because no class there has a Keras base; the dev corpus
# (3,260 non-test files) 31 s when methods were parsed with libcst, 3 s since the
# analysis reads the ast (two workers, FULL). The corpus is the code the plugin
# exists for, so it is linted whole; the stdlib is cheap, so whole as well; from
# site-packages every 5th file (sorted, so the sample is the same on every run).
SITE_EVERY = 5
# "As layers" mode (see _as_layers) sends every class with a base through the
# analysis and all the rules: a multiple of the gate's cost, so a thinner
# deterministic sample.
STDLIB_AS_LAYERS_EVERY = 10
SITE_AS_LAYERS_EVERY = 100

CALL_LINE = 9  # the ``def __call__`` line: KLB101


# --- real code ---------------------------------------------------------------------


def read_source(path: Path) -> Optional[str]:
    """The text flake8 would see (PEP 263 cookie, BOM stripped, universal newlines),
    or None for a file Python could not read either."""
    try:
        with tokenize.open(path) as handle:
            return handle.read()
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None


def _as_layers(source: str) -> Optional[Tuple[ast.Module, Settings]]:
    """Settings under which every class of ``source`` with an imported base is a
    layer: its resolved base names become ``--keras-layer-bases``. The gate passes
    almost no stdlib class (none has a Keras base), so this is what sends ordinary
    code, with all its syntax, through libcst and every rule."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    names = NameTable.from_module(tree)
    bases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                dotted = ast_dotted(base)
                resolved = names.resolve(dotted) if dotted else None
                if resolved:
                    bases.add(resolved.lstrip("."))
    return tree, Settings(layer_bases=tuple(sorted(bases)))


def _lint_chunk(job: Tuple[Sequence[str], str]) -> Tuple[int, List[str]]:
    """Lint ``paths`` in a worker: (files linted, failure reports)."""
    paths, mode = job
    linted = 0
    failures: List[str] = []
    for path in paths:
        source = read_source(Path(path))
        if source is None:
            continue
        try:
            if mode == "default":
                # The plain API: lint parses and splits the source itself.
                lint(source)
            else:
                prepared = _as_layers(source)
                if prepared is None:
                    continue
                tree, settings = prepared
                # As the plugin calls it: flake8's tree and flake8's lines (the text
                # has universal newlines already, so only "\n" ends a line).
                lint(source, settings, tree=tree, lines=io.StringIO(source).readlines())
        except Exception:  # noqa: BLE001 - every failure is collected and reported
            failures.append(f"{path} ({mode}):\n{traceback.format_exc()}")
        linted += 1
    return linted, failures


def lint_tree(paths: Sequence[Path], mode: str = "default") -> int:
    """Lint every path in a process pool; fail with every traceback, if any."""
    names = [str(path) for path in paths]
    # Many small chunks: the corpus's few very large files must not leave a worker idle.
    size = max(1, len(names) // (JOBS * 32))
    jobs = [(names[i : i + size], mode) for i in range(0, len(names), size)]
    linted = 0
    failures: List[str] = []
    with ProcessPoolExecutor(max_workers=JOBS) as pool:
        for count, failed in pool.map(_lint_chunk, jobs):
            linted += count
            failures.extend(failed)
    assert not failures, f"lint raised on {len(failures)} of {linted} files:\n" + "\n".join(
        failures[:10]
    )
    return linted


def python_files(root: Path, skip_dirs: Sequence[str] = ()) -> List[Path]:
    return sorted(
        path
        for path in root.rglob("*.py")
        if path.is_file() and not any(part in skip_dirs for part in path.relative_to(root).parts)
    )


def sample(files: List[Path], every: int) -> List[Path]:
    return files if FULL else files[::every]


STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])


def stdlib_files() -> List[Path]:
    # site-packages lives under the stdlib directory; it is its own test.
    return python_files(STDLIB, skip_dirs=("site-packages", "dist-packages"))


def site_files() -> List[Path]:
    return python_files(SITE_PACKAGES)


def corpus_files() -> List[Path]:
    files = []
    for package in sorted(CORPUS.iterdir()):
        for path in python_files(package):
            if not TEST_FILE.search("/" + path.relative_to(package).as_posix()):
                files.append(path)
    return files


def test_stdlib() -> None:
    files = stdlib_files()
    assert len(files) > 500, f"only {len(files)} stdlib files under {STDLIB}"
    linted = lint_tree(files)
    print(f"stdlib: linted {linted} of {len(files)} files")


def test_stdlib_as_layers() -> None:
    files = sample(stdlib_files(), STDLIB_AS_LAYERS_EVERY)
    linted = lint_tree(files, mode="as-layers")
    print(f"stdlib, every class a layer: linted {linted} of {len(files)} sampled files")


def test_site_packages() -> None:
    files = sample(site_files(), SITE_EVERY)
    assert files, f"no files under {SITE_PACKAGES}"
    linted = lint_tree(files)
    print(f"site-packages: linted {linted} of {len(files)} sampled files")


def test_site_packages_as_layers() -> None:
    files = sample(site_files(), SITE_AS_LAYERS_EVERY)
    linted = lint_tree(files, mode="as-layers")
    print(f"site-packages, every class a layer: linted {linted} of {len(files)} sampled files")


@pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason="dev corpus not downloaded (python ../shared/corpus/evaluate.py fetches it)",
)
def test_dev_corpus() -> None:
    files = corpus_files()
    assert len(files) > 1000, f"only {len(files)} corpus files under {CORPUS}"
    linted = lint_tree(files)
    print(f"dev corpus: linted {linted} of {len(files)} non-test files")


# --- mutations of the seed ---------------------------------------------------------


def codes_at(findings: List[Finding], code: str) -> List[Tuple[int, int]]:
    return [(f.line, f.col) for f in findings if f.code == code]


def test_seed_baseline() -> None:
    assert codes_at(lint(SEED), "KLB101") == [(CALL_LINE, 2)]


def test_every_prefix() -> None:
    # Every cut an editor can produce while typing: most prefixes are not valid
    # Python (lint returns []), the rest are partial classes.
    for end in range(len(SEED) + 1):
        try:
            lint(SEED[:end])
        except Exception as error:  # noqa: BLE001 - re-raised with the input that broke it
            raise AssertionError(f"lint raised on SEED[:{end}]: {SEED[:end]!r}") from error


def test_every_line_prefix() -> None:
    lines = SEED.splitlines(keepends=True)
    for count in range(len(lines) + 1):
        lint("".join(lines[:count]))
        # Without the final newline too: the last line of a file often lacks one.
        lint("".join(lines[:count]).rstrip("\n"))


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(SEED.replace("\n", "\r\n"), id="crlf"),
        pytest.param(SEED.replace("\n", "\r"), id="cr"),
        pytest.param(SEED.replace("\n", "\r\n", 5), id="mixed-newlines"),
        pytest.param(SEED.replace("  ", "\t"), id="tabs"),
        pytest.param(SEED.replace("\n\n\nclass", "\n\f\n\nclass"), id="form-feed-line"),
        pytest.param(SEED.replace("  def build", "\f\n  def build"), id="form-feed-in-body"),
        pytest.param(SEED.replace("  def build", "  \f  def build"), id="form-feed-in-indent"),
        pytest.param(SEED.rstrip("\n"), id="no-final-newline"),
        pytest.param(SEED.replace("\n", " \\\n", 1), id="backslash-continuation"),
    ],
)
def test_same_finding_line(source: str) -> None:
    # The line of ``def __call__`` as Python counts lines (only CR, LF and CRLF end
    # one; ``str.splitlines`` would also split at the form feed).
    expected = [
        number
        for number, line in enumerate(re.split(r"\r\n|\r|\n", source), start=1)
        if "def __call__" in line
    ]
    assert len(expected) == 1
    findings = lint(source)
    assert [line for line, _ in codes_at(findings, "KLB101")] == expected, findings


def test_bom_in_source_string() -> None:
    findings = lint("\ufeff" + SEED)
    assert [line for line, _ in codes_at(findings, "KLB101")] == [CALL_LINE], findings


def test_form_feed_before_class_keyword() -> None:
    findings = lint(SEED.replace("\n\n\nclass", "\n\n\n\fclass"))
    assert [line for line, _ in codes_at(findings, "KLB101")] == [CALL_LINE], findings


def test_form_feed_before_class_keyword_does_not_raise() -> None:
    lint(SEED.replace("\n\n\nclass", "\n\n\n\fclass"))
    lint(SEED.replace("\n\n\nclass", "\n\f\n\fclass"))


@pytest.mark.parametrize(
    "name", ["Слой", "层", "Ünïcødé", "ﬁLayer", "𝔘nit", "_"], ids=lambda name: repr(name)
)
def test_unicode_class_name(name: str) -> None:
    # Non-ASCII identifiers make byte and character columns differ; "ﬁ" and "𝔘"
    # are NFKC-normalised by Python (ast names differ from the source text).
    findings = lint(SEED.replace("MyDenseLayer", name))
    assert codes_at(findings, "KLB101") == [(CALL_LINE, 2)], findings


def test_unicode_in_body_keeps_columns() -> None:
    source = SEED.replace("self.build(input.shape)", "ñ = 'é'; self.build(input.shape)")
    findings = lint(source)
    assert codes_at(findings, "KLB101") == [(CALL_LINE, 2)], findings


@pytest.mark.parametrize(
    "replacement", ["async def call", "async def __call__", "async def build"]
)
def test_async_methods(replacement: str) -> None:
    target = "def build" if replacement.endswith("build") else "def __call__"
    lint(SEED.replace(target, replacement))


def test_async_dunder_call_is_still_reported() -> None:
    findings = lint(SEED.replace("def __call__", "async def __call__"))
    assert codes_at(findings, "KLB101") == [(CALL_LINE, 2)], findings


def indent(text: str, prefix: str) -> str:
    return "".join(prefix + line if line.strip() else line for line in text.splitlines(True))


def test_class_inside_function() -> None:
    header, body = SEED.split("\n\n\n", 1)
    source = f"{header}\n\n\ndef make():\n{indent(body, '    ')}    return MyDenseLayer\n"
    findings = lint(source)
    assert codes_at(findings, "KLB101") == [(CALL_LINE + 1, 6)], findings


@pytest.mark.parametrize(
    "wrapper",
    [
        "if tf.__version__ >= '2':\n{body}else:\n    MyDenseLayer = None\n",
        "try:\n{body}except ImportError:\n    pass\n",
        "if False:\n    pass\nelse:\n{body}",
        "with open(__file__):\n{body}",
        "for _ in range(1):\n{body}",
    ],
    ids=["if", "try", "else", "with", "for"],
)
def test_conditional_class(wrapper: str) -> None:
    header, body = SEED.split("\n\n\n", 1)
    source = f"{header}\n\n\n" + wrapper.format(body=indent(body, "    "))
    expected_line = source.splitlines().index("      def __call__(self, input):") + 1
    findings = lint(source)
    assert codes_at(findings, "KLB101") == [(expected_line, 6)], findings


def test_deeply_nested_classes() -> None:
    depth = 50
    lines = ["import keras\n"]
    for level in range(depth):
        pad = "    " * level
        lines.append(f"{pad}class L{level}(keras.layers.Layer):\n")
        lines.append(f"{pad}    def __call__(self, x):\n")
        lines.append(f"{pad}        return x\n")
    findings = lint("".join(lines))
    expected = [(3 + 3 * level, 4 * (level + 1)) for level in range(depth)]
    assert codes_at(findings, "KLB101") == expected


LAYER_TEMPLATE = '''

class Layer{n}(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units))

    def __call__(self, inputs):
        self.build(inputs.shape)
        return inputs @ self.kernel
'''


def test_ten_thousand_line_file() -> None:
    classes = 10_000 // LAYER_TEMPLATE.count("\n") + 1
    source = "import keras\n" + "".join(LAYER_TEMPLATE.format(n=n) for n in range(classes))
    assert source.count("\n") >= 10_000
    findings = lint(source)
    assert len(codes_at(findings, "KLB101")) == classes
    assert len(codes_at(findings, "KLB104")) == classes


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("", id="empty"),
        pytest.param("\n\n\n", id="blank"),
        pytest.param("\x00", id="nul"),
        pytest.param(SEED.replace("input.shape", "input.shape\x00"), id="nul-in-class"),
        pytest.param("# -*- coding: latin-1 -*-\n" + SEED, id="coding-cookie"),
        pytest.param(
            "import keras\nclass A(keras.layers.Layer): __call__ = lambda self, x: x\n",
            id="one-line-class",
        ),
        pytest.param(
            "import keras\nclass A(keras.layers.Layer):\n    def __call__(self, x): return x  # c\\",
            id="comment-at-eof",
        ),
        pytest.param(
            "import keras\n@a\n# comment\n@b(\n  1)\nclass A(keras.layers.Layer):\n"
            "    def __call__(self, x):\n        return x\n",
            id="decorators-and-comments",
        ),
        pytest.param(
            "import keras\nclass A(keras.layers.Layer):\n    x = '''\nclass B(keras.layers.Layer):\n"
            "'''\n    def __call__(self, x):\n        return x\n",
            id="class-in-string",
        ),
        pytest.param(
            "import keras\nclass A(B):\n    pass\nclass B(A, keras.layers.Layer):\n"
            "    def __call__(self, x):\n        return x\n",
            id="base-cycle",
        ),
        pytest.param(
            "from keras.layers import *\nclass A(Layer):\n    def __call__(self, x):\n"
            "        (self.w): int = 1\n        return x\n",
            id="libcst-rejects-parenthesized-annotation",
        ),
        pytest.param(
            "import keras\nclass A(keras.layers.Layer):\n    def __call__(self, *a: *Ts):\n"
            "        match a:\n            case [x, *_]:\n                return x[*a]\n",
            id="match-and-pep646",
        ),
    ],
)
def test_odd_shapes(source: str) -> None:
    lint(source)
