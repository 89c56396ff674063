"""The generated docs: rule pages, README table, and the ``python -m`` CLI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import List

import pytest

from flake8_keras_build import evidence
from flake8_keras_build.__main__ import main
from flake8_keras_build.docs import (
    REGENERATE,
    TABLE_END,
    TABLE_START,
    DocsError,
    expected_files,
    render_rule,
    render_rules_table,
    stale_docs,
    write_docs,
)
from flake8_keras_build.rules import RULES, RULES_BY_CODE
from flake8_keras_build.rules.base import Invalid, Rule, Valid
from flake8_keras_build.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SECTIONS = (
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Not flagged",
)


class OptInRule(Rule):
    code = "KLB199"
    name = "opt-in-test"
    title = "a test rule with | a pipe"
    what = "What."
    why = "Why."
    use_instead = "x = 1"
    default_on = False
    invalid = (Invalid("x = 2  # error\n"),)
    valid = (Valid("x = 3\n", note="with bases", settings=Settings(layer_bases=("a.B", "c.*"))),)


def run_cli(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8_keras_build", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def headings(page: str) -> List[str]:
    return [line for line in page.splitlines() if line.startswith("## ")]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_page_has_every_section_in_order(rule: Rule) -> None:
    page = render_rule(rule)
    assert page.startswith(f"# {rule.code}: {rule.title}\n\n")
    expected = list(SECTIONS) + (["## Fix available"] if rule.fixable else [])
    expected += ["## Options"] if rule.options else []
    expected += ["## Runtime evidence"] if evidence.load(evidence.SOURCE_ROOT) else []
    assert headings(page) == expected
    assert page.endswith("\n") and not page.endswith("\n\n")
    assert "# error" not in page
    assert f"Affects: {rule.versions}" in page


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_page_shows_the_examples(rule: Rule) -> None:
    page = render_rule(rule)
    example = page.split("## Example\n", 1)[1].split("## Use instead\n", 1)[0]
    assert rule.invalid[0].shown.strip() in example
    not_flagged = page.split("## Not flagged\n", 1)[1]
    for valid in rule.valid:
        assert valid.shown.strip() in not_flagged


def test_page_of_an_opt_in_rule() -> None:
    page = render_rule(OptInRule())
    assert "Default: off (opt-in: enable with --extend-select KLB199)" in page
    assert "## Options" not in page
    assert "```python\nx = 2\n```" in page
    assert "### With bases\n\nWith `--keras-layer-bases=a.B,c.*`:\n\n```python\nx = 3\n```" in page


def test_valid_example_with_settings_names_the_option() -> None:
    page = render_rule(RULES_BY_CODE["KLB105"])
    assert "With `--keras-version=3`:" in page
    assert page.count("With `--keras-") == 1


def test_rendering_is_deterministic() -> None:
    assert [render_rule(rule) for rule in RULES] == [render_rule(rule) for rule in RULES]


def test_rules_table_has_one_row_per_rule() -> None:
    lines = render_rules_table().splitlines()
    assert lines[0] == "| Code | Rule | Default | Fix | Affects |"
    rows = lines[2:]
    assert len(rows) == len(RULES)
    for rule, row in zip(RULES, rows):
        assert row.startswith(f"| [{rule.code}](docs/rules/{rule.code}.md) |")
    assert "a test rule with \\| a pipe" in render_rules_table([OptInRule()])
    assert "| off (opt-in) |" in render_rules_table([OptInRule()])
    fixable = [row for rule, row in zip(RULES, rows) if "| yes |" in row]
    assert len(fixable) == sum(rule.fixable for rule in RULES) >= 1


def test_fix_section_shows_each_fixed_example() -> None:
    rule = RULES_BY_CODE["KLB101"]
    page = render_rule(rule)
    section = page[page.index("## Fix available") :]
    for example in rule.invalid:
        if example.fixed:
            assert example.fixed_source.rstrip() in section
    assert "## Fix available" not in render_rule(RULES_BY_CODE["KLB106"])


def test_explain_prints_the_page() -> None:
    result = run_cli("explain", "klb105")
    assert result.returncode == 0, result.stderr
    assert result.stdout == render_rule(RULES_BY_CODE["KLB105"])


def test_explain_unknown_code() -> None:
    result = run_cli("explain", "KLB999")
    assert result.returncode == 2
    assert result.stdout == ""
    known = ", ".join(rule.code for rule in RULES)
    assert f"unknown rule code 'KLB999'; known: {known}" in result.stderr


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert "0." in capsys.readouterr().out


def test_checked_in_docs_are_not_stale() -> None:
    stale = stale_docs(PROJECT_ROOT)
    assert stale == [], f"stale generated docs {stale}; run `{REGENERATE}`"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project root with up-to-date docs and a README with the markers."""
    (tmp_path / "README.md").write_bytes(
        f"# Title\r\n\r\nIntro.\r\n{TABLE_START}\r\nold table\r\n{TABLE_END}\r\nTail  \r\n".encode()
    )
    write_docs(tmp_path)
    return tmp_path


def test_docs_check_names_a_modified_page(project: Path) -> None:
    assert run_cli("docs", "--check", "--root", str(project)).returncode == 0
    page = project / "docs" / "rules" / "KLB103.md"
    page.write_text(page.read_text() + "edited by hand\n")
    result = run_cli("docs", "--check", "--root", str(project))
    assert result.returncode == 1
    assert "KLB103.md" in result.stdout
    assert REGENERATE in result.stderr
    assert page.read_text().endswith("edited by hand\n"), "--check must write nothing"


def test_docs_regenerates_and_removes_orphan_pages(project: Path) -> None:
    orphan = project / "docs" / "rules" / "KLB999.md"
    orphan.write_text("a rule that no longer exists\n")
    (project / "docs" / "rules" / "KLB101.md").unlink()
    assert stale_docs(project) == [project / "docs/rules/KLB101.md", orphan]
    assert main(["docs", "--root", str(project)]) == 0
    assert not orphan.exists()
    assert stale_docs(project) == []
    assert write_docs(project) == []


def test_readme_table_keeps_the_rest_byte_for_byte(project: Path) -> None:
    readme = (project / "README.md").read_bytes()
    head = f"# Title\r\n\r\nIntro.\r\n{TABLE_START}\r\n".encode()
    tail = f"{TABLE_END}\r\nTail  \r\n".encode()
    assert readme.startswith(head) and readme.endswith(tail)
    table = readme[len(head) : -len(tail)].decode()
    assert table == render_rules_table().replace("\n", "\r\n")


def test_readme_without_markers_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Title\n\nNo table here.\n")
    with pytest.raises(DocsError, match="rules-table-start"):
        expected_files(tmp_path)
    result = run_cli("docs", "--root", str(tmp_path))
    assert result.returncode == 2
    assert TABLE_START in result.stderr and TABLE_END in result.stderr
    assert not (tmp_path / "docs").exists()


def test_missing_readme_is_skipped(tmp_path: Path) -> None:
    pages = sorted(tmp_path / "docs" / "rules" / f"{rule.code}.md" for rule in RULES)
    assert sorted(write_docs(tmp_path)) == pages
    assert not (tmp_path / "README.md").exists()
