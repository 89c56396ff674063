"""A Python file's bytes as text, the way Python reads them: the PEP 263 cookie or
the BOM names the encoding, UTF-8 otherwise. The fixer writes the text back in the
same encoding; ``check`` and the fixer read files through here alike."""

from __future__ import annotations

import io
import tokenize
from typing import Tuple


def read_source(data: bytes) -> Tuple[str, str]:
    """The text and its encoding (PEP 263 cookie or BOM, default UTF-8). Raises
    SyntaxError (a bad cookie), LookupError or UnicodeDecodeError."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    if encoding == "utf-8-sig":
        # Keep the BOM in the text so that it is written back as it was.
        return data.decode("utf-8"), "utf-8"
    return data.decode(encoding), encoding
