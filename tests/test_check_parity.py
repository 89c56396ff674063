"""``check`` reports what ``flake8 --select KLB`` reports: the same (path, line,
column, code) on the shipped examples and on every rule's invalid examples, with
flake8's select/ignore options, ``# noqa`` in its forms and ``per-file-ignores``
from setup.cfg, each run in a subprocess."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import List

import pytest

from flake8_keras_build.rules import RULES
from tests.check_helpers import describe, parse, run_check, run_flake8, write
from tests.seed import SEED

ROOT = Path(__file__).resolve().parents[1]

NOQA_CASES = {
    # flake8 reads the comment on the last line of a string token that spans lines
    # for a finding on any of them; a line break in brackets ends the search there.
    "multiline_string.py": SEED.replace(
        'self.add_weight("kernel", ',
        'self.add_weight("""kernel\n""", ',
    ).replace("self.num_outputs])\n", "self.num_outputs])  # noqa: KLB301\n"),
    "multiline_def.py": SEED.replace(
        "  def __init__(self, num_outputs):\n",
        "  def __init__(self,\n               num_outputs):  # noqa: KLB201\n",
    ),
    "bare.py": SEED.replace(
        "  def __call__(self, input):\n", "  def __call__(self, input):  # noqa\n"
    ),
    "prefix.py": SEED.replace(
        "  def build(self, input_shape):\n", "  def build(self, input_shape):  # NOQA:KLB1\n"
    ),
    "other_code.py": SEED.replace(
        "  def __call__(self, input):\n", "  def __call__(self, input):  # noqa: E501\n"
    ),
    "file_wide.py": "# flake8: noqa\n" + SEED,
    # on a line with code, flake8 ignores a file-wide comment
    "file_wide_on_code.py": SEED.replace(
        "import tensorflow as tf\n", "import tensorflow as tf  # flake8: noqa\n"
    ),
}

SETUP_CFG = """\
[flake8]
per-file-ignores =
    per_file/*: KLB2
    per_file/deep/*: KLB1
    ignored_here.py: KLB
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parity")
    for example in (ROOT / "examples").glob("*.py"):
        shutil.copy(example, root / example.name)
    for rule in RULES:
        for number, example in enumerate(rule.invalid, start=1):
            write(root / "rules" / f"{rule.code}_{number}.py", example.source)
    for name, text in NOQA_CASES.items():
        write(root / "noqa" / name, text)
    write(root / "per_file" / "a.py", SEED)
    write(root / "per_file" / "deep" / "b.py", SEED)
    write(root / "ignored_here.py", SEED)
    write(root / "broken.py", SEED + "\ndef broken(:\n    pass\n")
    write(root / "setup.cfg", SETUP_CFG)
    return root


OPTION_SETS: List[List[str]] = [
    ["--select", "KLB"],
    [],
    ["--extend-select", "KLB304"],
    ["--select", "KLB1,KLB304", "--ignore", "KLB105"],
    ["--ignore", "KLB2"],
    ["--extend-ignore", "KLB301", "--per-file-ignores", "noqa/*.py: KLB203"],
    ["--select", "KLB", "--keras-version", "3"],
]


@pytest.mark.parametrize("options", OPTION_SETS, ids=lambda o: " ".join(o) or "defaults")
def test_same_findings_as_flake8(project: Path, options: List[str]) -> None:
    flake8 = run_flake8(*options, ".", cwd=project)
    check = run_check(*options, ".", cwd=project)
    expected = parse(flake8.stdout)
    found = parse(check.stdout)
    assert expected, describe(flake8)  # the fixture has findings under every option set
    assert found - {f for f in found if f[3] == "KLB001"} == expected, describe(check) + describe(
        flake8
    )
    # flake8 reports the syntax error as E999 (when E is selected); check as KLB001
    # whenever KLB001 is selected.
    assert any(f[0] == "broken.py" and f[3] == "KLB001" for f in found) == (
        options[:2] != ["--select", "KLB1,KLB304"]
    ), describe(check)
    assert check.returncode == 1, describe(check)


def test_parallel_output_is_the_same_as_one_job(project: Path) -> None:
    one = run_check("--select", "KLB", "-j", "1", ".", cwd=project)
    many = run_check("--select", "KLB", "-j", "3", ".", cwd=project)
    assert one.stdout == many.stdout and one.stdout, describe(many)
    assert one.stdout.splitlines() == sorted(
        one.stdout.splitlines(),
        key=lambda line: (line.split(":")[0], int(line.split(":")[1]), int(line.split(":")[2])),
    )


def test_every_rule_example_is_reported(project: Path) -> None:
    check = run_check("--select", "KLB", "rules", cwd=project)
    codes = {code for _, _, _, code in parse(check.stdout)}
    assert codes == {rule.code for rule in RULES if rule.invalid}, describe(check)
