"""One LSP edit from a document's text to its fixed text: the lines that differ, so
the editor keeps the cursor and the undo step small (a whole-document replacement
would move both)."""

from __future__ import annotations

from typing import List, Tuple


def utf16_len(text: str) -> int:
    """LSP counts columns in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def changed_lines(old: str, new: str) -> Tuple[Tuple[int, int], Tuple[int, int], str]:
    """``((start line, start col), (end line, end col), replacement)``, 0-based with
    UTF-16 columns, that turns ``old`` into ``new``."""
    old_lines: List[str] = old.splitlines(keepends=True)
    new_lines: List[str] = new.splitlines(keepends=True)
    prefix = 0
    while prefix < min(len(old_lines), len(new_lines)) and old_lines[prefix] == new_lines[prefix]:
        prefix += 1
    suffix = 0
    while (
        suffix < min(len(old_lines), len(new_lines)) - prefix
        and old_lines[-1 - suffix] == new_lines[-1 - suffix]
    ):
        suffix += 1
    replacement = "".join(new_lines[prefix : len(new_lines) - suffix])
    end_line = len(old_lines) - suffix
    if end_line == len(old_lines) and old_lines and not old_lines[-1].endswith(("\n", "\r")):
        # The last line has no newline: end on it rather than past the document.
        return (prefix, 0), (end_line - 1, utf16_len(old_lines[-1])), replacement
    return (prefix, 0), (end_line, 0), replacement
