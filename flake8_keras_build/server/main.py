"""Start the language server on stdin/stdout, or say in one line what is missing."""

from __future__ import annotations

import sys


def serve() -> int:
    try:
        # Lazy for start-up time and to say what is missing: pygls is an extra.
        from .app import build_server
    except ImportError as error:
        print(
            f"error: the server needs pygls and lsprotocol ({error}); install them with "
            "pip install 'flake8-keras-build[server]'",
            file=sys.stderr,
        )
        return 2
    build_server().start_io()
    return 0
