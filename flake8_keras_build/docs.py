"""Render the rule pages and the README table from the rules, never by hand.

``docs/rules/KLBxxx.md`` is one page per rule, with ruff's fixed sections; the
README carries a table of every rule between two marker lines. The pages are
checked in, so a test (``stale_docs``) fails when a rule changes and they do not.
"""

from __future__ import annotations

import dataclasses
import re
import textwrap
from pathlib import Path
from typing import Dict, Iterable, List

from . import evidence
from .rules import RULES
from .rules.base import Example, Rule
from .settings import Settings

RULES_DIR = Path("docs", "rules")
README = Path("README.md")
TABLE_START = "<!-- rules-table-start -->"
TABLE_END = "<!-- rules-table-end -->"
REGENERATE = "python -m flake8_keras_build docs"

_PAGE_RE = re.compile(r"^KLB\d+\.md$")

# The flake8 option of each Settings field, for "with `--keras-version=3`".
_FLAGS = {"keras_version": "--keras-version", "layer_bases": "--keras-layer-bases"}


class DocsError(Exception):
    """The docs cannot be generated; the text says why and what to do."""


def _text(markdown: str) -> str:
    return textwrap.dedent(markdown).strip()


def _code_block(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def settings_flags(settings: Settings) -> List[str]:
    """The command-line options that select ``settings``, e.g. ``--keras-version=3``."""
    flags = []
    for field in dataclasses.fields(Settings):
        value = getattr(settings, field.name)
        if value == getattr(Settings(), field.name):
            continue
        text = ",".join(value) if isinstance(value, tuple) else str(value)
        flag = _FLAGS.get(field.name, "--" + field.name.replace("_", "-"))
        flags.append(f"`{flag}={text}`")
    return flags


def _shown(example: Example) -> str:
    flags = settings_flags(example.settings)
    block = _code_block(example.shown)
    return f"With {' '.join(flags)}:\n\n{block}" if flags else block


def _fix_section(rule: Rule) -> List[str]:
    """"Fix available", with each fixed example, from the same examples the fix tests
    run (so the page cannot show a fix the code does not make)."""
    if not rule.fixable:
        return []
    command = f"python -m flake8_keras_build fix --select {rule.code} PATH"
    parts = ["## Fix available", f"`{command}` rewrites the code in place (`--diff` shows it)."]
    for number, example in enumerate(rule.invalid):
        if not example.fixed:
            continue
        if number == 0:
            parts.append("The example above becomes:")
        else:
            note = _text(example.note)
            parts.append(f"{note[:1].upper()}{note[1:]}:" if note else "Another example:")
            parts.append(_code_block(example.shown))
            parts.append("becomes:")
        parts.append(_code_block(example.fixed_source))
    declined = [ex for ex in rule.invalid if not ex.fixed and ex.note]
    if declined:
        parts.append(
            "Not fixed (the command says why): "
            + "; ".join(_text(ex.note) for ex in declined)
            + "."
        )
    return parts


def _default(rule: Rule) -> str:
    if rule.default_on:
        return "on"
    return f"off (opt-in: enable with --extend-select {rule.code})"


def _not_flagged(rule: Rule) -> List[str]:
    parts = [_text(rule.not_flagged)] if rule.not_flagged.strip() else []
    for number, example in enumerate(rule.valid, start=1):
        note = _text(example.note) or f"Example {number}"
        parts.append(f"### {note[:1].upper()}{note[1:]}")
        parts.append(_shown(example))
    return parts


def render_rule(rule: Rule, root: Path = evidence.SOURCE_ROOT) -> str:
    """The Markdown page of one rule (its runtime evidence read under ``root``)."""
    parts = [
        f"# {rule.code}: {rule.title}",
        f"Default: {_default(rule)} | Affects: {rule.versions}",
        "## What it does",
        _text(rule.what),
        "## Why is this bad?",
        _text(rule.why),
        "## Example",
        _shown(rule.invalid[0]),
        "## Use instead",
        _code_block(_text(rule.use_instead)),
        "## Not flagged",
        *_not_flagged(rule),
    ]
    parts += _fix_section(rule)
    if rule.options.strip():
        parts += ["## Options", _text(rule.options)]
    parts += evidence.rule_section(rule, root)
    return "\n\n".join(parts) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_rules_table(rules: Iterable[Rule] = RULES) -> str:
    """The README table of every rule, each code linking to its page."""
    lines = ["| Code | Rule | Default | Fix | Affects |", "| --- | --- | --- | --- | --- |"]
    for rule in rules:
        link = f"[{rule.code}]({RULES_DIR.as_posix()}/{rule.code}.md)"
        default = "on" if rule.default_on else "off (opt-in)"
        fix = "yes" if rule.fixable else ""
        lines.append(
            f"| {link} | {_cell(rule.title)} | {default} | {fix} | {_cell(rule.versions)} |"
        )
    return "\n".join(lines) + "\n"


def replace_table(readme: str, table: str) -> str:
    """``readme`` with ``table`` between the marker lines, the rest untouched."""
    lines = readme.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == TABLE_START]
    ends = [i for i, line in enumerate(lines) if line.strip() == TABLE_END]
    if len(starts) != 1 or len(ends) != 1 or starts[0] > ends[0]:
        raise DocsError(
            f"{README} needs exactly one line {TABLE_START} followed later by one line "
            f"{TABLE_END}; the rules table is generated between them"
        )
    start, end = starts[0], ends[0]
    # Keep the README's own line endings (CRLF stays CRLF).
    newline = lines[start][len(lines[start].rstrip("\r\n")) :] or "\n"
    body = "".join(line + newline for line in table.splitlines())
    return "".join(lines[: start + 1]) + body + "".join(lines[end:])


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def expected_files(root: Path) -> Dict[Path, str]:
    """Every generated file under ``root`` and its content.

    README.md is included only when it exists: the table goes into a README
    written by people, never into one the generator would have to invent.
    """
    files = {root / RULES_DIR / f"{rule.code}.md": render_rule(rule, root) for rule in RULES}
    files.update(evidence.generated_files(root, RULES))
    readme = root / README
    if readme.is_file():
        try:
            text = readme.read_bytes().decode("utf-8")
        except UnicodeDecodeError as error:
            raise DocsError(f"{readme} is not UTF-8: {error}") from None
        files[readme] = replace_table(text, render_rules_table())
    return files


def _orphan_pages(root: Path, expected: Dict[Path, str]) -> List[Path]:
    """Pages of codes that no longer exist (a rule renumbered or removed)."""
    folder = root / RULES_DIR
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if _PAGE_RE.match(path.name) and path not in expected and path.is_file()
    )


def stale_docs(root: Path) -> List[Path]:
    """Generated files that differ from what the rules say; writes nothing."""
    expected = expected_files(root)
    changed = [path for path, text in expected.items() if _read(path) != text]
    return changed + _orphan_pages(root, expected)


def write_docs(root: Path) -> List[Path]:
    """Bring the generated files up to date; return the paths written or removed."""
    expected = expected_files(root)
    changed = []
    for path, text in expected.items():
        if _read(path) != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
            changed.append(path)
    orphans = _orphan_pages(root, expected)
    for path in orphans:
        path.unlink()
    return changed + orphans
