"""End to end: the real flake8, in a subprocess, on files in a temporary directory.

These tests check what a user sees: which (line, code) pairs flake8 prints, that
flake8's own machinery (``--select``, ``# noqa``, ``per-file-ignores``, stdin,
config files, E999) works with the plugin, and that nothing ever prints a Python
traceback. Unit tests call ``engine.lint``; only these go through the entry point.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List, Optional, Set, Tuple

import libcst
import pytest

from tests.seed import SEED

# (line, code) of the seed's lifecycle findings: build() never calls super().build
# (KLB105, Keras 2 only), __call__ overridden (KLB101), manual self.build() (KLB104).
SEED_FINDINGS = {(7, "KLB105"), (9, "KLB101"), (10, "KLB104")}
# flake8 prints 1-based columns: the ``def`` keywords and the ``self.build`` call.
SEED_COLUMNS = {(7, 3, "KLB105"), (9, 3, "KLB101"), (10, 5, "KLB104")}

# flake8's default format, ``%(path)s:%(row)d:%(col)d: %(code)s %(text)s``.
REPORT = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+[0-9]+) (?P<text>.+)$")
# Rules KLB101-KLB106 are the ones these tests pin down; KLB2xx/KLB3xx rules are
# added by others and may legitimately report on the same code.
LIFECYCLE = re.compile(r"^KLB10[1-6]$")


def run_flake8(
    *args: str, cwd: Path, stdin: Optional[str] = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    # A developer's PYTHONWARNINGS=error or similar must not change flake8's output.
    env.pop("PYTHONWARNINGS", None)
    return subprocess.run(
        [sys.executable, "-m", "flake8", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def reports(result: subprocess.CompletedProcess[str]) -> List[Tuple[str, int, int, str, str]]:
    """Every stdout line as (path, line, col, code, text); a line that is not a
    report fails the test, which is how "one message per line" is checked."""
    parsed = []
    for raw in result.stdout.splitlines():
        match = REPORT.match(raw)
        assert match, f"not a flake8 report line: {raw!r}\n{describe(result)}"
        parsed.append(
            (
                match["path"],
                int(match["line"]),
                int(match["col"]),
                match["code"],
                match["text"],
            )
        )
    return parsed


def klb(result: subprocess.CompletedProcess[str]) -> Set[Tuple[int, str]]:
    return {(line, code) for _, line, _, code, _ in reports(result) if code.startswith("KLB")}


def lifecycle(result: subprocess.CompletedProcess[str]) -> Set[Tuple[int, str]]:
    return {(line, code) for line, code in klb(result) if LIFECYCLE.match(code)}


def describe(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def assert_no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    # The plugin logs a swallowed exception with LOG.exception; without -v flake8
    # installs no log handler, so Python's last-resort handler would print it on
    # stderr: "Traceback" catches both a crash and a guarded internal error.
    output = result.stdout + result.stderr
    assert "Traceback" not in output, describe(result)
    assert "flake8-keras-build failed" not in output, describe(result)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # newline="" keeps the text byte for byte (no platform newline translation).
    path.write_text(text, encoding="utf-8", newline="")
    return path


# (a) ----------------------------------------------------------------------------


def test_seed_reports_lifecycle_findings(tmp_path: Path) -> None:
    write(tmp_path / "file.py", SEED)
    result = run_flake8("--isolated", "--select", "KLB", "file.py", cwd=tmp_path)
    assert result.returncode == 1, describe(result)
    assert lifecycle(result) == SEED_FINDINGS, describe(result)
    positions = {
        (line, col, code) for _, line, col, code, _ in reports(result) if LIFECYCLE.match(code)
    }
    assert positions == SEED_COLUMNS, describe(result)
    for path, _, _, code, text in reports(result):
        assert path == "file.py"
        assert code.startswith("KLB")  # --select KLB: nothing else
        assert text.strip(), "an empty message"
    assert_no_traceback(result)


# (b) ----------------------------------------------------------------------------


def test_plain_class_is_not_a_layer(tmp_path: Path) -> None:
    plain = SEED.replace("class MyDenseLayer(tf.keras.layers.Layer):", "class MyDenseLayer:")
    assert plain != SEED
    write(tmp_path / "file.py", plain)
    result = run_flake8("--isolated", "--select", "KLB", "file.py", cwd=tmp_path)
    assert klb(result) == set(), describe(result)
    assert result.returncode == 0, describe(result)
    assert_no_traceback(result)


# (c) ----------------------------------------------------------------------------


def test_default_selection_includes_klb(tmp_path: Path) -> None:
    write(tmp_path / "file.py", SEED)
    result = run_flake8("--isolated", "file.py", cwd=tmp_path)
    codes = {code for _, _, _, code, _ in reports(result)}
    # The seed's two-space indentation also draws pycodestyle's E111: both families
    # are reported side by side.
    assert lifecycle(result) == SEED_FINDINGS, describe(result)
    assert any(code.startswith("E") for code in codes), describe(result)
    assert_no_traceback(result)


# (d) ----------------------------------------------------------------------------


@pytest.mark.parametrize("on_disk", [False, True], ids=["no-file", "clean-file-on-disk"])
def test_stdin_uses_display_name_and_buffer(tmp_path: Path, on_disk: bool) -> None:
    if on_disk:
        # An editor lints an unsaved buffer: the file on disk is clean, the buffer
        # has the bugs. The plugin must read flake8's lines, never the file.
        write(tmp_path / "pkg" / "layer.py", "x = 1\n")
    result = run_flake8(
        "--isolated",
        "--select",
        "KLB",
        "--stdin-display-name=pkg/layer.py",
        "-",
        cwd=tmp_path,
        stdin=SEED,
    )
    assert lifecycle(result) == SEED_FINDINGS, describe(result)
    assert {path for path, *_ in reports(result)} == {"pkg/layer.py"}, describe(result)
    assert_no_traceback(result)


# (e) ----------------------------------------------------------------------------


def test_noqa_suppresses_only_its_code(tmp_path: Path) -> None:
    source = SEED.replace(
        "  def __call__(self, input):\n", "  def __call__(self, input):  # noqa: KLB101\n"
    )
    assert source != SEED
    write(tmp_path / "file.py", source)
    result = run_flake8("--isolated", "--select", "KLB", "file.py", cwd=tmp_path)
    assert lifecycle(result) == SEED_FINDINGS - {(9, "KLB101")}, describe(result)
    assert_no_traceback(result)


def test_noqa_on_other_code_does_not_suppress(tmp_path: Path) -> None:
    source = SEED.replace(
        "  def __call__(self, input):\n", "  def __call__(self, input):  # noqa: KLB104\n"
    )
    write(tmp_path / "file.py", source)
    result = run_flake8("--isolated", "--select", "KLB", "file.py", cwd=tmp_path)
    # KLB104 is reported on line 10, so a noqa for it on line 9 changes nothing.
    assert lifecycle(result) == SEED_FINDINGS, describe(result)


# (f) ----------------------------------------------------------------------------


def test_per_file_ignores_from_setup_cfg(tmp_path: Path) -> None:
    write(tmp_path / "file.py", SEED)
    write(tmp_path / "other.py", SEED)
    write(tmp_path / "setup.cfg", "[flake8]\nper-file-ignores =\n    file.py: KLB105\n")
    # No --isolated: the setup.cfg in the working directory is the point.
    result = run_flake8("--select", "KLB", "file.py", "other.py", cwd=tmp_path)
    found = {(path, line, code) for path, line, _, code, _ in reports(result)}
    assert ("file.py", 7, "KLB105") not in found, describe(result)
    assert ("file.py", 9, "KLB101") in found, describe(result)
    # The ignore is per file: the same code elsewhere is still reported.
    assert ("other.py", 7, "KLB105") in found, describe(result)
    assert_no_traceback(result)


# (g) ----------------------------------------------------------------------------


def test_keras_version_from_setup_cfg(tmp_path: Path) -> None:
    write(tmp_path / "file.py", SEED)
    write(tmp_path / "setup.cfg", "[flake8]\nkeras-version = 3\n")
    result = run_flake8("--select", "KLB", "file.py", cwd=tmp_path)
    # KLB105 is about Keras 2's build(); targeting Keras 3 silences it only.
    assert lifecycle(result) == SEED_FINDINGS - {(7, "KLB105")}, describe(result)
    assert_no_traceback(result)


def test_keras_version_on_command_line(tmp_path: Path) -> None:
    write(tmp_path / "file.py", SEED)
    result = run_flake8(
        "--isolated", "--select", "KLB", "--keras-version", "3", "file.py", cwd=tmp_path
    )
    assert lifecycle(result) == SEED_FINDINGS - {(7, "KLB105")}, describe(result)


CUSTOM_BASE = """\
from mypkg.base import Block


class X(Block):
    def __call__(self, x):
        return x
"""


def test_keras_layer_bases_from_setup_cfg(tmp_path: Path) -> None:
    write(tmp_path / "x.py", CUSTOM_BASE)
    without = run_flake8("--select", "KLB", "x.py", cwd=tmp_path)
    # Control: an unknown base is not a layer until it is configured.
    assert klb(without) == set(), describe(without)
    write(tmp_path / "setup.cfg", "[flake8]\nkeras-layer-bases = mypkg.base.Block\n")
    result = run_flake8("--select", "KLB", "x.py", cwd=tmp_path)
    assert lifecycle(result) == {(5, "KLB101")}, describe(result)
    assert_no_traceback(result)


def test_keras_layer_bases_module_wildcard(tmp_path: Path) -> None:
    write(tmp_path / "x.py", CUSTOM_BASE)
    result = run_flake8(
        "--isolated", "--select", "KLB", "--keras-layer-bases", "mypkg.base.*", "x.py",
        cwd=tmp_path,
    )
    assert lifecycle(result) == {(5, "KLB101")}, describe(result)


# (h) ----------------------------------------------------------------------------


def assert_clean_usage_error(
    result: subprocess.CompletedProcess[str], option: str, value: str
) -> None:
    assert result.returncode != 0, describe(result)
    assert_no_traceback(result)
    output = (result.stdout + result.stderr).splitlines()
    # One line says which option and which value: the user can fix it from that.
    assert any(option in line and value in line for line in output), describe(result)


def test_bad_keras_version_on_command_line(tmp_path: Path) -> None:
    write(tmp_path / "file.py", SEED)
    result = run_flake8("--isolated", "--keras-version", "4", "file.py", cwd=tmp_path)
    assert_clean_usage_error(result, "--keras-version", "4")


# Values from config files bypass argparse's ``choices``; the plugin validates them
# in parse_options and raises ``flake8.exceptions.ExecutionFailed``, a name that does
# not exist in flake8 (7.5.0 has ExecutionError), so flake8 dies with an ImportError
# traceback instead of printing the SettingsError.
def test_bad_keras_version_in_setup_cfg(tmp_path: Path) -> None:
    write(tmp_path / "file.py", SEED)
    write(tmp_path / "setup.cfg", "[flake8]\nkeras-version = 4\n")
    result = run_flake8("file.py", cwd=tmp_path)
    assert_clean_usage_error(result, "keras-version", "4")


def test_bad_keras_layer_bases_in_setup_cfg(tmp_path: Path) -> None:
    write(tmp_path / "file.py", SEED)
    write(tmp_path / "setup.cfg", "[flake8]\nkeras-layer-bases = not a name!\n")
    result = run_flake8("file.py", cwd=tmp_path)
    assert_clean_usage_error(result, "keras-layer-bases", "name!")


def test_bad_keras_layer_bases_on_command_line(tmp_path: Path) -> None:
    # No argparse ``choices`` here, so the command line takes the same path.
    write(tmp_path / "file.py", SEED)
    result = run_flake8(
        "--isolated", "--keras-layer-bases", "not a name!", "file.py", cwd=tmp_path
    )
    assert_clean_usage_error(result, "keras-layer-bases", "name!")


# (i) ----------------------------------------------------------------------------


def test_syntax_error_is_e999_not_a_crash(tmp_path: Path) -> None:
    # A layer class first, so the plugin has something it would analyse.
    broken = SEED + "\n\ndef broken(:\n    pass\n"
    write(tmp_path / "bad.py", broken)
    result = run_flake8("--isolated", "bad.py", cwd=tmp_path)
    codes = {code for _, _, _, code, _ in reports(result)}
    assert "E999" in codes, describe(result)
    assert not any(code.startswith("KLB") for code in codes), describe(result)
    assert result.returncode == 1, describe(result)
    assert_no_traceback(result)
    assert "Exception" not in result.stdout + result.stderr, describe(result)


# (j) ----------------------------------------------------------------------------


def test_version_lists_plugin(tmp_path: Path) -> None:
    result = run_flake8("--version", cwd=tmp_path)
    assert result.returncode == 0, describe(result)
    assert "flake8-keras-build" in result.stdout, describe(result)


# (k) ----------------------------------------------------------------------------

# Probed on Python 3.11 with libcst 1.9.0: every 3.8-3.11 addition parses (walrus,
# positional-only parameters, parenthesized context managers, match, except*,
# PEP 646 ``*Ts`` in subscripts and ``*args`` annotations, f-string ``=``). What
# libcst does reject is older: an annotated assignment whose target is in
# parentheses, ``(x): int = 1`` (valid since 3.6, PEP 526).
NEWER_SYNTAX_LAYERS = '''\
import keras


class Walrus(keras.layers.Layer):
    def __call__(self, x, /, *, y=None):
        if (n := len(x)) > 1:
            return x[n - 1]
        return x


class Matcher(keras.layers.Layer):
    def __call__(self, x):
        match x:
            case [first, *rest] if rest:
                return first
            case {"a": value, **other}:
                return value
            case _:
                return x


class Groups(keras.layers.Layer):
    def __call__(self, x):
        try:
            with (open("a") as a, open("b") as b):
                return a, b
        except* ValueError:
            return x


class Variadic(keras.layers.Layer):
    def __call__(self, *args: *Ts):
        return args[*args]
'''

LIBCST_REJECTS = '''\
import keras


class Good(keras.layers.Layer):
    def __call__(self, x):
        return x


class Annotated(keras.layers.Layer):
    def __call__(self, x):
        (self.scale): float = 2.0
        return x * self.scale
'''


def test_newer_syntax_parses(tmp_path: Path) -> None:
    write(tmp_path / "new.py", NEWER_SYNTAX_LAYERS)
    result = run_flake8("--isolated", "--select", "KLB,E999", "new.py", cwd=tmp_path)
    expected = {
        number
        for number, line in enumerate(NEWER_SYNTAX_LAYERS.splitlines(), start=1)
        if "def __call__" in line
    }
    assert len(expected) == 4
    assert {line for line, code in klb(result) if code == "KLB101"} == expected, describe(result)
    assert_no_traceback(result)


def test_libcst_rejects_what_ast_accepts_is_not_a_crash(tmp_path: Path) -> None:
    snippet = "(x): int = 1\n"
    ast.parse(snippet)
    try:
        libcst.parse_module(snippet)
    except libcst.ParserSyntaxError:
        pass
    else:
        pytest.skip("this libcst parses `(x): int = 1`; no known ast-only syntax is left")
    write(tmp_path / "layers.py", LIBCST_REJECTS)
    result = run_flake8("--isolated", "--select", "KLB,E999", "layers.py", cwd=tmp_path)
    found = klb(result)
    assert not any(code == "E999" for _, _, _, code, _ in reports(result)), describe(result)
    # The plugin parses each class on its own: the class libcst rejects is skipped
    # (no finding, no crash), the other class of the file is still analysed.
    assert (5, "KLB101") in found, describe(result)
    assert_no_traceback(result)
    assert result.returncode in {0, 1}, describe(result)


def test_bom_crlf_and_tabs_through_flake8(tmp_path: Path) -> None:
    # flake8 strips the BOM and translates CRLF before the plugin sees the lines;
    # the positions must be those of the plain seed.
    variants = {
        "bom.py": ("\ufeff" + SEED).encode("utf-8"),
        "crlf.py": SEED.replace("\n", "\r\n").encode("utf-8"),
        "tabs.py": SEED.replace("  ", "\t").encode("utf-8"),
    }
    for name, data in variants.items():
        (tmp_path / name).write_bytes(data)
    result = run_flake8("--isolated", "--select", "KLB", *variants, cwd=tmp_path)
    for name in variants:
        per_file = {
            (line, code)
            for path, line, _, code, _ in reports(result)
            if path == name and LIFECYCLE.match(code)
        }
        assert per_file == SEED_FINDINGS, f"{name}\n{describe(result)}"
    assert_no_traceback(result)


def test_many_files_in_parallel(tmp_path: Path) -> None:
    # Several files make flake8 use its multiprocessing pool: Plugin.settings set in
    # parse_options must reach the workers (keras-version=3 silences KLB105).
    for index in range(6):
        write(tmp_path / f"m{index}.py", SEED)
    result = run_flake8(
        "--isolated", "--select", "KLB", "--keras-version", "3", "-j", "2", ".", cwd=tmp_path
    )
    codes = [code for _, _, _, code, _ in reports(result) if LIFECYCLE.match(code)]
    assert sorted(codes) == sorted(["KLB101", "KLB104"] * 6), describe(result)
    assert_no_traceback(result)


def test_seed_line_numbers() -> None:
    # The expected findings above are hard-coded line numbers of the seed: guard
    # against an edit of the seed that shifts them.
    assert SEED.splitlines()[6].startswith("  def build")
    assert SEED.splitlines()[8].startswith("  def __call__")
    assert SEED.splitlines()[9].strip().startswith("self.build(")
