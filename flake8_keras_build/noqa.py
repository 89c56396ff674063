"""``# noqa`` as flake8 reads it, for every front end that is not flake8 itself (the
fix command, ``check``, the language server).

flake8 looks for the comment in the text of the tokens around the finding's line,
from one NEWLINE/NL token to the next: a string that spans lines takes the comment
after its end for a finding on any of its lines (a line break inside brackets is
an NL token, so there each line stands alone). A file that does not tokenize gets
the physical line. A line that starts with ``# flake8: noqa`` silences the whole file
(on a line with code it does nothing). flake8's own regular expressions are used,
so the comment syntax cannot drift from flake8's.
"""

from __future__ import annotations

import io
import tokenize
from typing import Dict, Optional, Sequence

from flake8 import defaults, utils


def file_is_silenced(lines: Sequence[str]) -> bool:
    """``# flake8: noqa`` on a line of its own: flake8 skips the whole file."""
    return any(defaults.NOQA_FILE.match(line) for line in lines)


def silences(comment_line: str, code: str) -> bool:
    """Whether the ``# noqa`` on ``comment_line`` (if any) covers ``code``."""
    match = defaults.NOQA_INLINE_REGEXP.search(comment_line)
    if match is None:
        return False
    codes_text = match.groupdict()["codes"]
    if codes_text is None:
        return True  # the comment names no code: it silences every one
    codes = set(utils.parse_comma_separated_list(codes_text))
    return code in codes or code.startswith(tuple(codes))


class NoqaLines:
    """The text flake8 searches for a ``# noqa`` covering a finding on each line.

    Tokenizing costs about as much as linting, so it happens only when a finding
    is asked about and the file has a ``noqa`` at all.
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = list(lines)
        self._has_noqa = any("noqa" in line.lower() for line in self._lines)
        self._mapping: Optional[Dict[int, str]] = None

    def silences(self, line: int, code: str) -> bool:
        if not self._has_noqa:
            return False
        if self._mapping is None:
            self._mapping = logical_line_texts(self._lines)
        text = self._mapping.get(line)
        if text is None:
            if not 0 < line <= len(self._lines):
                return False
            text = self._lines[line - 1]  # flake8 falls back to the physical line
        return silences(text, code)


def logical_line_texts(lines: Sequence[str]) -> Dict[int, str]:
    """flake8's ``FileProcessor._noqa_line_mapping``: line number -> the joined text
    of the lines between two NEWLINE/NL tokens. Empty when the file does not
    tokenize (flake8 then reads each physical line)."""
    text = "".join(lines)
    mapping: Dict[int, str] = {}
    first, last = len(lines) + 2, -1
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first = min(first, token.start[0])
            last = max(last, token.end[0])
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                joined = "".join(lines[first - 1 : last])
                mapping.update(dict.fromkeys(range(first, last + 1), joined))
                first, last = len(lines) + 2, -1
    except (tokenize.TokenError, SyntaxError):
        return {}
    return mapping
