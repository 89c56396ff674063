"""``github``: GitHub Actions workflow commands, one ``::error`` annotation per finding
(shown on the pull request's lines), escaped as the runner's toolkit does."""

from __future__ import annotations

from typing import Sequence

from ..lint_file import Report

TOOL = "flake8-keras-build"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write(reports: Sequence[Report], show_source: bool) -> str:
    lines = []
    for r in reports:
        properties = ",".join(
            f"{key}={escape_property(value)}"
            for key, value in (
                ("title", f"{TOOL} ({r.code})"),
                ("file", r.path),
                ("line", str(r.line)),
                ("col", str(r.char_col + 1)),
            )
        )
        text = f"{r.path}:{r.line}:{r.char_col + 1}: {r.code} {r.message}"
        lines.append(f"::error {properties}::{escape_data(text)}\n")
    return "".join(lines)
