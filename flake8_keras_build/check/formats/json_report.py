"""``json``: a JSON array with one object per finding (ruff's field names where they
mean the same): code, message, filename, location and end_location (1-based row
and column; the end is not known, so null), fix_available, url of the rule page."""

from __future__ import annotations

import json
from typing import Any, Dict, Sequence

from ..lint_file import Report
from ..rule_pages import rule_page


def as_dict(report: Report) -> Dict[str, Any]:
    return {
        "code": report.code,
        "message": report.message,
        "filename": report.path,
        "location": {"row": report.line, "column": report.char_col + 1},
        "end_location": None,
        "fix_available": report.fixable,
        "url": rule_page(report.code).url,
        "noqa_row": report.line,
    }


def write(reports: Sequence[Report], show_source: bool) -> str:
    return json.dumps([as_dict(report) for report in reports], indent=2) + "\n"
