"""``sarif``: SARIF 2.1.0, what GitHub code scanning and other review tools read. The
run lists every rule (title, description, help and help URI) and each result points
at its rule by id and index. Paths are relative to ``%SRCROOT%``, the directory the
command ran in, so the log does not depend on where the checkout is."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Dict, List, Sequence
from urllib.parse import quote

from ... import __version__
from ...rules import RULES_BY_CODE
from ..lint_file import Report
from ..rule_pages import RulePage, rule_page
from ..syntax_error import SYNTAX_ERROR_CODE

SCHEMA = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
HOMEPAGE = "https://github.com/flake8-keras-build/flake8-keras-build"


def _rule(page: RulePage) -> Dict[str, Any]:
    return {
        "id": page.code,
        "name": page.code,
        "shortDescription": {"text": page.title},
        "fullDescription": {"text": page.what},
        "help": {"text": f"{page.what}\n\n{page.url}", "markdown": f"{page.what}\n\n{page.url}"},
        "helpUri": page.url,
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["keras"], "fixable": page.fixable},
    }


def _location(path: str) -> Dict[str, str]:
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(Path(path).as_posix()), "uriBaseId": "%SRCROOT%"}


def write(reports: Sequence[Report], show_source: bool) -> str:
    pages = [rule_page(code) for code in sorted([SYNTAX_ERROR_CODE, *RULES_BY_CODE])]
    index = {page.code: number for number, page in enumerate(pages)}
    results: List[Dict[str, Any]] = []
    for r in reports:
        results.append(
            {
                "ruleId": r.code,
                "ruleIndex": index[r.code],
                "level": "error",
                "message": {"text": r.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _location(r.path),
                            "region": {"startLine": r.line, "startColumn": r.char_col + 1},
                        }
                    }
                ],
            }
        )
    root = Path(os.getcwd()).as_uri().rstrip("/") + "/"
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flake8-keras-build",
                        "version": __version__,
                        "informationUri": HOMEPAGE,
                        "rules": [_rule(page) for page in pages],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": root}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"
