"""The output formats of ``check``: each module writes a list of reports as one text.

Text formats (``full``, ``concise``) print flake8's column, so that they match
flake8's own lines; the machine formats give 1-based columns in characters, which
is what annotations, code scanning and editors count.
"""

from __future__ import annotations

from typing import Callable, Dict, Sequence

from ..lint_file import Report
from . import github, gitlab, json_report, sarif, text

Writer = Callable[[Sequence[Report], bool], str]

# name -> writer(reports, show_source); ``full`` is the default.
FORMATS: Dict[str, Writer] = {
    "full": text.full,
    "concise": text.concise,
    "json": json_report.write,
    "github": github.write,
    "gitlab": gitlab.write,
    "sarif": sarif.write,
}
TEXT_FORMATS = ("full", "concise")
