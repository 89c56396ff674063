"""The fix command end to end: files in place, --diff, stdin, exit codes, what must
never change (other lines, line endings, encodings, files without findings)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Optional

import pytest

from flake8_keras_build.fixes.runner import fix_source
from tests.check_helpers import run_module

BAD = """\
import keras


class Scale(keras.layers.Layer):  # a comment that stays
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],))
        super().build(input_shape)

    def __call__(self, inputs):
        return inputs * self.w
"""

GOOD = BAD.replace("def __call__", "def call")


def run_fix(*args: str, cwd: Path, stdin: Optional[str] = None) -> subprocess.CompletedProcess[str]:
    return run_module("flake8_keras_build", "fix", *args, cwd=cwd, stdin=stdin)


def test_fixes_in_place_and_exits_1(tmp_path: Path) -> None:
    target = tmp_path / "layer.py"
    target.write_text(BAD)
    result = run_fix("layer.py", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert target.read_text() == GOOD
    assert "fixed 1 finding(s) in 1 file(s)" in result.stderr
    again = run_fix("layer.py", cwd=tmp_path)
    assert again.returncode == 0 and again.stderr == ""


def test_diff_changes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "layer.py"
    target.write_text(BAD)
    result = run_fix("--diff", ".", cwd=tmp_path)
    assert result.returncode == 1
    assert target.read_text() == BAD
    assert "-    def __call__(self, inputs):" in result.stdout
    assert "+    def call(self, inputs):" in result.stdout
    assert result.stdout.startswith("--- a/layer.py\n+++ b/layer.py\n")


def test_stdin_to_stdout(tmp_path: Path) -> None:
    result = run_fix("-", cwd=tmp_path, stdin=BAD)
    assert result.returncode == 1
    assert result.stdout == GOOD
    clean = run_fix("-", cwd=tmp_path, stdin=GOOD)
    assert clean.returncode == 0 and clean.stdout == GOOD


def test_select_limits_the_fixes(tmp_path: Path) -> None:
    target = tmp_path / "layer.py"
    target.write_text(BAD)
    assert run_fix("--select", "KLB105", "layer.py", cwd=tmp_path).returncode == 0
    assert target.read_text() == BAD


@pytest.mark.parametrize(
    "args, message",
    [
        (["--select", "KLB999", "x.py"], "--select KLB999: no fixable rule"),
        (["--keras-version", "4", "x.py"], "invalid choice"),
        (["-", "x.py"], "cannot be combined"),
    ],
)
def test_bad_options_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "x.py").write_text(BAD)
    result = run_fix(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_missing_and_unparsable_files_exit_2_and_the_rest_is_fixed(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "layer.py").write_text(BAD)
    result = run_fix("missing.py", "broken.py", "layer.py", cwd=tmp_path)
    assert result.returncode == 2
    assert "missing.py: error: no such file or directory" in result.stderr
    assert "broken.py: error: cannot be parsed" in result.stderr
    assert (tmp_path / "layer.py").read_text() == GOOD
    assert (tmp_path / "broken.py").read_text() == "def f(:\n"


def test_directories_skip_hidden_and_environment_folders(tmp_path: Path) -> None:
    for folder in (".venv", "build", "pkg"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "layer.py").write_text(BAD)
    run_fix(".", cwd=tmp_path)
    assert (tmp_path / "pkg" / "layer.py").read_text() == GOOD
    assert (tmp_path / ".venv" / "layer.py").read_text() == BAD
    assert (tmp_path / "build" / "layer.py").read_text() == BAD


def test_crlf_bom_and_encoding_are_kept(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.py"
    crlf.write_bytes(b"\xef\xbb\xbf" + BAD.replace("\n", "\r\n").encode())
    latin = tmp_path / "latin.py"
    latin.write_bytes(("# -*- coding: latin-1 -*-\n# caf\xe9\n" + BAD).encode("latin-1"))
    assert run_fix("crlf.py", "latin.py", cwd=tmp_path).returncode == 1
    assert crlf.read_bytes() == b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n").encode()
    assert latin.read_bytes() == ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + GOOD).encode(
        "latin-1"
    )


def test_noqa_is_honoured() -> None:
    for comment in ("  # noqa", "  # noqa: KLB101", "  # noqa:KLB1"):
        source = BAD.replace("def __call__(self, inputs):", f"def __call__(self, inputs):{comment}")
        assert fix_source(source).source == source
    other = BAD.replace("def __call__(self, inputs):", "def __call__(self, inputs):  # noqa: E501")
    assert "def call(self, inputs):  # noqa: E501" in fix_source(other).source
    assert fix_source("# flake8: noqa\n" + BAD).source == "# flake8: noqa\n" + BAD


def test_a_file_without_findings_is_returned_as_it_was() -> None:
    for source in (GOOD, GOOD.replace("\n", "\r\n"), GOOD.rstrip("\n"), "x = 1\n", ""):
        result = fix_source(source)
        assert result.source == source and not result.changed and result.error is None


def test_last_line_without_newline_stays_so() -> None:
    result = fix_source(BAD.rstrip("\n"))
    assert result.source == GOOD.rstrip("\n")


def test_settings_from_pyproject(tmp_path: Path) -> None:
    """--keras-version=3 silences KLB105 (a Keras-2-only harm): read from pyproject."""
    source = GOOD.replace("        super().build(input_shape)\n", "")
    (tmp_path / "layer.py").write_text(source)
    (tmp_path / "pyproject.toml").write_text('[tool.flake8-keras-build]\nkeras-version = "3"\n')
    assert run_fix("--diff", "--select", "KLB105", "layer.py", cwd=tmp_path).returncode == 0
    (tmp_path / "pyproject.toml").write_text("[tool.other]\nx = 1\n")
    assert run_fix("--diff", "--select", "KLB105", "layer.py", cwd=tmp_path).returncode == 1
    (tmp_path / "pyproject.toml").write_text('[tool.flake8-keras-build]\nkeras-versoin = "3"\n')
    bad = run_fix("--diff", "layer.py", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown option 'keras-versoin'" in bad.stderr


def test_form_feed_indentation_is_linted_but_not_rewritten() -> None:
    """libcst reads such a method only once the form feed is dropped, so its snippet
    is not the file's text: reported, never written back."""
    source = BAD.replace("    def __call__", "  \f    def __call__")
    result = fix_source(source)
    assert result.source == source
    assert [reason for _, reason in result.declined] == [
        "form feeds in the indentation; fix it by hand"
    ]
