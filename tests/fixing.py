"""What the fix tests share: run the fixer on an example, as the fix command does."""

from __future__ import annotations

import textwrap
from typing import List, Tuple

from flake8_keras_build.fixes.runner import fix_source
from flake8_keras_build.settings import Settings


def fix_code(
    code: str, select: Tuple[str, ...], settings: Settings = Settings()
) -> Tuple[str, List[str]]:
    """The fixed source of ``code`` (dedented), and the reasons of the declined fixes."""
    result = fix_source(textwrap.dedent(code).lstrip("\n"), settings, select=select)
    assert result.error is None
    return result.source, [reason for _, reason in result.declined]
