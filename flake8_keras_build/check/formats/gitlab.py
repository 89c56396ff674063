"""``gitlab``: a GitLab Code Quality report (a JSON array of issues). The fingerprint
hashes the file, the code, the message and the line's text (not its number), so an
issue keeps its identity when lines above it move; repeats are numbered."""

from __future__ import annotations

import hashlib
import json
from typing import Any, Dict, List, Sequence

from ..lint_file import Report
from ..rule_pages import rule_page


def write(reports: Sequence[Report], show_source: bool) -> str:
    issues: List[Dict[str, Any]] = []
    seen: Dict[str, int] = {}
    for r in reports:
        key = "\0".join((r.path, r.code, r.message, r.source.strip()))
        seen[key] = seen.get(key, 0) + 1
        fingerprint = hashlib.sha256(f"{key}\0{seen[key]}".encode()).hexdigest()
        issues.append(
            {
                "type": "issue",
                "check_name": r.code,
                "description": f"{r.code} {r.message}",
                "content": {"body": rule_page(r.code).url},
                "categories": ["Bug Risk"],
                "severity": "major",
                "fingerprint": fingerprint,
                "location": {
                    "path": r.path,
                    "positions": {
                        "begin": {"line": r.line, "column": r.char_col + 1},
                        "end": {"line": r.line, "column": r.char_col + 1},
                    },
                },
            }
        )
    return json.dumps(issues, indent=2) + "\n"
