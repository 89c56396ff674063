"""What real Keras did with each rule's examples, rendered for the docs.

The runtime lane (``pytest -m runtime``, ``tests/runtime/``) runs every example under
Keras 3 (jax) and tf-keras 2 and, when ``KLB_RECORD_EVIDENCE=1`` is set, merges what
it observed into ``docs/runtime-evidence.json``. This module reads that file and
renders it: a "Runtime evidence" section on each rule page, and the table
``docs/runtime-evidence.md``. An example the lane has no result for is listed as
"no runtime evidence", so a new example without a scenario shows, never hides.

Examples are keyed by kind and by the class they are about (``invalid:Scale``,
``fixed:Scale``, ``valid:Logged``), not by position, so that adding an example does
not move the evidence of the others.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from .rules.base import Example, Invalid, Rule

# The checkout this module runs from, whose docs/ ``explain`` reads; an installed
# package has no docs/ beside it, and its pages then have no evidence section.
SOURCE_ROOT = Path(__file__).resolve().parents[1]
EVIDENCE = Path("docs", "runtime-evidence.json")
TABLE = Path("docs", "runtime-evidence.md")
RECORD_VARIABLE = "KLB_RECORD_EVIDENCE"
LANE = "pytest -m runtime"
# In this order in every table; the lane's flavour names, as recorded.
FLAVOURS: Tuple[Tuple[str, str], ...] = (("keras3", "Keras 3"), ("tf_keras", "tf-keras 2"))
MODULE = "<module>"  # the key of an example that defines no class

Evidence = Dict[str, Any]  # the parsed JSON file


@dataclass(frozen=True)
class ExampleRef:
    """One runnable example of a rule: an invalid example, its fixed code, or a
    valid one."""

    kind: str  # "invalid", "fixed" or "valid"
    number: int  # 1-based, in rule.invalid or rule.valid
    subject: str  # the class the example is about, or MODULE
    key: str
    example: Example

    @property
    def source(self) -> str:
        if self.kind == "fixed":
            assert isinstance(self.example, Invalid)
            return self.example.fixed_source
        return self.example.shown

    @property
    def title(self) -> str:
        if self.kind == "fixed":
            return f"invalid example {self.number}, fixed"
        return f"{self.kind} example {self.number}"


def subject(example: Example, kind: str) -> str:
    """The class an example is about: for an invalid example the one holding its
    first ``# error`` line, else the last class it defines."""
    classes = [node for node in ast.parse(example.source).body if isinstance(node, ast.ClassDef)]
    marked = example.expected_lines()
    if kind == "invalid" and marked:
        for node in classes:
            if node.lineno <= marked[0] <= (node.end_lineno or node.lineno):
                return node.name
    return classes[-1].name if classes else MODULE


def example_refs(rule: Rule) -> List[ExampleRef]:
    """Every example of ``rule`` with its key. A class name used twice in one kind
    gets ``#2``, ``#3``... in example order."""
    refs: List[ExampleRef] = []
    for kind, examples in (("invalid", rule.invalid), ("valid", rule.valid)):
        seen: Dict[str, int] = {}
        for number, example in enumerate(examples, start=1):
            name = subject(example, kind)
            seen[name] = seen.get(name, 0) + 1
            suffix = name if seen[name] == 1 else f"{name}#{seen[name]}"
            refs.append(ExampleRef(kind, number, name, f"{kind}:{suffix}", example))
            if isinstance(example, Invalid) and example.fixed:
                refs.append(ExampleRef("fixed", number, name, f"fixed:{suffix}", example))
    return refs


# --- the file ---------------------------------------------------------------------


def load(root: Path) -> Optional[Evidence]:
    """The recorded evidence under ``root``; None when there is no file."""
    path = root / EVIDENCE
    if not path.is_file():
        return None
    data: Evidence = json.loads(path.read_text(encoding="utf-8"))
    return data


def empty() -> Evidence:
    return {
        "generated_by": f"{RECORD_VARIABLE}=1 {LANE}; each flavour's run merges its own part",
        "flavours": {},
    }


def merge(
    evidence: Optional[Evidence],
    flavour: str,
    versions: Dict[str, str],
    results: Dict[str, Dict[str, Dict[str, Any]]],
    seed: Optional[Dict[str, Any]] = None,
) -> Evidence:
    """``evidence`` with one flavour's results (code -> key -> entry) merged in:
    entries the run produced replace the recorded ones, the others stay."""
    merged: Evidence = json.loads(json.dumps(evidence)) if evidence else empty()
    part = merged["flavours"].setdefault(flavour, {"versions": {}, "examples": {}})
    part["versions"] = dict(versions)
    for code, entries in results.items():
        part["examples"].setdefault(code, {}).update(entries)
    if seed is not None:
        part["seed"] = seed
    return merged


def prune(evidence: Evidence, rules: Iterable[Rule]) -> Evidence:
    """Drop the entries of examples that no longer exist (a class renamed, an
    example or a rule removed)."""
    keys = {rule.code: {ref.key for ref in example_refs(rule)} for rule in rules}
    for part in evidence["flavours"].values():
        examples = part["examples"]
        for code in list(examples):
            kept = {k: v for k, v in examples[code].items() if k in keys.get(code, ())}
            if kept:
                examples[code] = kept
            else:
                del examples[code]
    return evidence


def dumps(evidence: Evidence) -> str:
    return json.dumps(evidence, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def entry(evidence: Optional[Evidence], flavour: str, code: str, key: str) -> Optional[Any]:
    if evidence is None:
        return None
    part = evidence["flavours"].get(flavour, {})
    return part.get("examples", {}).get(code, {}).get(key)


def versions(evidence: Evidence, flavour: str) -> str:
    """``keras 3.15.1, jax 0.10.2``: what the flavour's results were observed with."""
    recorded = evidence["flavours"].get(flavour, {}).get("versions", {})
    # Keras itself first, then what it runs on.
    names = sorted(recorded, key=lambda name: ("keras" not in name, name))
    return ", ".join(f"{name} {recorded[name]}" for name in names)


# --- rendering --------------------------------------------------------------------


def _code(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds."""
    fence = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (fence + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _targets(example: Example) -> Optional[str]:
    """The flavour an example is written for when its settings pin a version."""
    version = example.settings.keras_version
    return {"3": "keras3", "2": "tf_keras"}.get(version)


def verdict(ref: ExampleRef, result: Optional[Any]) -> str:
    """One word or phrase for a table cell."""
    if result is None:
        return "no runtime evidence"
    if "not_run" in result:
        return f"not run: {result['not_run']}"
    gap = " ⚠" if result.get("gap") else ""
    if ref.kind == "invalid":
        return ("harm" if result["harm"] else "no harm") + gap
    return ("harm" if result["harm"] else "behaves") + gap


def _explain(ref: ExampleRef, flavour: str, result: Any) -> str:
    """The verdict with what it means for this example."""
    if "not_run" in result:
        return f"not run: {result['not_run']}"
    harm = result["harm"]
    if result.get("gap"):
        return f"**{'harm' if harm else 'no harm'}, contrary to the rule** ({result['gap']})"
    if ref.kind == "invalid":
        return "**harm**" if harm else "no harm in this version"
    target = _targets(ref.example)
    if harm and target and target != flavour:
        version = ref.example.settings.keras_version
        return f"harm (expected: the example is valid with `--keras-version={version}`)"
    return "**harm**" if harm else "behaves"


def rule_section(rule: Rule, root: Path) -> List[str]:
    """The "Runtime evidence" section of a rule page; none without a recorded file."""
    evidence = load(root)
    if evidence is None:
        return []
    parts = ["## Runtime evidence"]
    flavours = [
        f"{label} ({versions(evidence, name)})"
        for name, label in FLAVOURS
        if name in evidence["flavours"]
    ]
    parts.append(
        f"What `{LANE}` observed running this page's examples"
        + (f" under {' and '.join(flavours)}" if flavours else "")
        + f"; every rule: [{TABLE.name}](../{TABLE.name})."
    )
    missing: List[str] = []
    for ref in example_refs(rule):
        results = [(n, label, entry(evidence, n, rule.code, ref.key)) for n, label in FLAVOURS]
        if all(result is None for _, _, result in results):
            missing.append(f"{ref.title} (`{ref.subject}`)")
            continue
        lines = [f"**{ref.title[:1].upper()}{ref.title[1:]}** (`{ref.subject}`)", ""]
        for name, label, result in results:
            if result is None:
                lines.append(f"- {label}: no runtime evidence")
                continue
            lines.append(f"- {label}: {_explain(ref, name, result)}")
            # Code that behaves needs no transcript (the JSON file has it); harm does.
            if ref.kind == "invalid" or result.get("harm") or result.get("gap"):
                lines += [f"  - {_code(line)}" for line in result.get("observed", [])]
        parts.append("\n".join(lines))
    if missing:
        parts.append("No runtime evidence: " + "; ".join(missing) + ".")
    return parts


def _rule_cell(rule: Rule, refs: Sequence[ExampleRef], evidence: Evidence, flavour: str) -> str:
    invalid = [entry(evidence, flavour, rule.code, r.key) for r in refs if r.kind == "invalid"]
    ran = [r for r in invalid if r is not None and "not_run" not in r]
    if not ran:
        return "no runtime evidence"
    harmed = sum(1 for r in ran if r["harm"])
    cell = f"harm in {harmed} of {len(ran)}" if harmed else f"no harm (0 of {len(ran)})"
    gaps = [
        r.key
        for r in refs
        if (result := entry(evidence, flavour, rule.code, r.key)) and result.get("gap")
    ]
    if gaps:
        cell += " ⚠ " + ", ".join(f"`{key}`" for key in gaps)
    return cell


def contradictions(rules: Iterable[Rule], evidence: Evidence, flavour: str) -> List[str]:
    """The cells of one flavour whose result contradicts the rule (recorded with a
    ``gap``): ``KLB102 valid:Lazy``. An example valid or invalid only for the Keras
    version its settings name is no contradiction in the other: the scenario expects
    its harm there, and records no gap."""
    return [
        f"{rule.code} {ref.key}"
        for rule in rules
        for ref in example_refs(rule)
        if (result := entry(evidence, flavour, rule.code, ref.key)) and result.get("gap")
    ]


def render_table(rules: Iterable[Rule], evidence: Evidence) -> str:
    """``docs/runtime-evidence.md``: which rules have evidence in which version."""
    rules = list(rules)
    names = [(n, label) for n, label in FLAVOURS]
    header = " | ".join(label for _, label in names)
    lines = [
        "# Runtime evidence",
        "",
        f"Generated from `{EVIDENCE.as_posix()}` by `python -m flake8_keras_build docs`; the "
        f"runtime lane records it (`{RECORD_VARIABLE}=1 {LANE}`, once per Keras flavour). "
        "Each example of each rule ran under real Keras; a cell says what happened. "
        "\"harm\" is the failure the rule's page describes, observed; \"behaves\" means "
        "the code built, ran and round-tripped as Keras code should; ⚠ marks a result "
        "that contradicts the rule (an invalid example that does no harm, or a valid "
        "one that does), with the reason on the rule's page.",
        "",
    ]
    for name, label in names:
        recorded = versions(evidence, name) or "not run"
        lines.append(f"- {label}: {recorded}")
    counts = [
        f"{label}: {len(contradictions(rules, evidence, name))}"
        for name, label in names
        if name in evidence["flavours"]
    ]
    if counts:
        lines += ["", "Contradictions left (⚠ cells): " + ", ".join(counts) + "."]
    lines += [
        "",
        "## By rule",
        "",
        "Invalid examples whose harm was observed, per version.",
        "",
        f"| Rule | {header} |",
        "| --- |" + " --- |" * len(names),
    ]
    all_refs = {rule.code: example_refs(rule) for rule in rules}
    for rule in rules:
        cells = [_rule_cell(rule, all_refs[rule.code], evidence, n) for n, _ in names]
        link = f"[{rule.code}](rules/{rule.code}.md)"
        lines.append(f"| {link} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "## By example",
        "",
        f"| Rule | Example | {header} |",
        "| --- | --- |" + " --- |" * len(names),
    ]
    for rule in rules:
        for ref in all_refs[rule.code]:
            cells = [_cell(verdict(ref, entry(evidence, n, rule.code, ref.key))) for n, _ in names]
            example = f"{ref.title} `{ref.subject}`"
            lines.append(f"| {rule.code} | {example} | " + " | ".join(cells) + " |")
    seeds = [(label, evidence["flavours"].get(n, {}).get("seed")) for n, label in names]
    if any(seed for _, seed in seeds):
        lines += ["", "## The seed case", ""]
        lines.append(
            "The layer this project started from (`tests/seed.py`), after "
            "`python -m flake8_keras_build fix`:"
        )
        lines.append("")
        for label, seed in seeds:
            if not seed:
                lines.append(f"- {label}: not run")
                continue
            status = "runs correctly" if seed["ok"] else "**fails**"
            lines.append(f"- {label}: {status}")
            lines += [f"  - {_code(line)}" for line in seed.get("observed", [])]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def generated_files(root: Path, rules: Iterable[Rule]) -> Dict[Path, str]:
    """The table, when the lane has recorded evidence under ``root``."""
    evidence = load(root)
    if evidence is None:
        return {}
    return {root / TABLE: render_table(rules, evidence)}
