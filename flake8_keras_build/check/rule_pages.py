"""What the machine-readable formats and the server say about a code: its title,
whether it can have a fix, and the URL of its page (``[project.urls] Documentation``
of the installed package, plus ``/KLBxxx.md``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from typing import Dict

from ..rules import RULES_BY_CODE
from .syntax_error import SYNTAX_ERROR_CODE, SYNTAX_ERROR_PAGE, SYNTAX_ERROR_TITLE

DISTRIBUTION = "flake8-keras-build"
# pyproject.toml's value; a test keeps the two equal. Used when the package's
# metadata cannot be read (run from a source tree that is not installed).
DOCS_URL = "https://github.com/flake8-keras-build/flake8-keras-build/tree/main/docs/rules"


@dataclass(frozen=True)
class RulePage:
    code: str
    title: str
    url: str
    what: str  # the page's first section: what the rule reports and why
    fixable: bool


@lru_cache(maxsize=1)
def docs_url() -> str:
    try:
        urls = metadata.metadata(DISTRIBUTION).get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return DOCS_URL
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip() == "Documentation":
            return str(url).strip().rstrip("/")
    return DOCS_URL


def rule_page(code: str) -> RulePage:
    return _pages()[code]


@lru_cache(maxsize=1)
def _pages() -> Dict[str, RulePage]:
    base = docs_url()
    pages = {
        code: RulePage(code, rule.title, f"{base}/{code}.md", rule.what.strip(), rule.fixable)
        for code, rule in RULES_BY_CODE.items()
    }
    # The syntax-error page sits beside the rule pages (docs/, not docs/rules/).
    parent = base.rsplit("/", 1)[0]
    pages[SYNTAX_ERROR_CODE] = RulePage(
        SYNTAX_ERROR_CODE,
        SYNTAX_ERROR_TITLE,
        f"{parent}/{SYNTAX_ERROR_PAGE}",
        "The file cannot be parsed as Python, so no KLB rule could check it.",
        False,
    )
    return pages
