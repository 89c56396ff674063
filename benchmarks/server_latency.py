"""The language server's latency: from a change of the buffer to its diagnostics.

Usage (from the repository root; needs the ``server`` extra)::

    python benchmarks/server_latency.py                 # 309-line layer file, 50 changes
    python benchmarks/server_latency.py --classes 20 --changes 100

Starts ``flake8-keras-build server`` over stdio with pygls' client, as an editor
would, opens a generated layer file (``--classes`` classes of 30 lines, with
``__init__``, ``build``, ``call`` and ``get_config``), waits for the first
diagnostics (start-up and imports), then sends ``--changes`` whole-buffer changes,
each waiting for the diagnostics of its version. Every other change adds a
``__call__`` override, so the diagnostics really change. The time includes the
server's debounce (``DEBOUNCE_SECONDS``) and the JSON-RPC round trip. Prints a
Markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from flake8_keras_build.server.app import DEBOUNCE_SECONDS

CLASS = '''

class Block{n}(keras.layers.Layer):
    """A dense block with a learned scale."""

    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale
        self.dense = keras.layers.Dense(units)

    def build(self, input_shape):
        self.dense.build(input_shape)
        self.gamma = self.add_weight(
            shape=(self.units,), initializer="ones", name="gamma"
        )
        super().build(input_shape)

    def call(self, inputs, training=False):
        outputs = self.dense(inputs)
        if training:
            outputs = outputs * 0.5
        return outputs * self.gamma * self.scale

    def get_config(self):
        config = super().get_config()
        config.update({{"units": self.units, "scale": self.scale}})
        return config
'''

BUG = "\n    def __call__(self, inputs):\n        return self.call(inputs)\n"


def layer_file(classes: int) -> str:
    return "import keras\n" + "".join(CLASS.format(n=n) for n in range(classes))


async def measure(classes: int, changes: int) -> Dict[str, float]:
    client = LanguageClient("latency", "1")
    arrived: Dict[int, asyncio.Event] = {}
    counts: Dict[int, int] = {}

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def diagnostics(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            counts[params.version] = len(params.diagnostics)
            arrived.setdefault(params.version, asyncio.Event()).set()

    await client.start_io(sys.executable, "-m", "flake8_keras_build", "server")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "blocks.py"
        text = layer_file(classes)
        path.write_text(text)
        uri = path.as_uri()
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(), root_uri=Path(folder).as_uri()
            )
        )
        client.initialized(types.InitializedParams())
        start = time.perf_counter()
        arrived[1] = asyncio.Event()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="python", version=1, text=text
                )
            )
        )
        await asyncio.wait_for(arrived[1].wait(), 60)
        startup = time.perf_counter() - start
        latencies: List[float] = []
        for version in range(2, changes + 2):
            body = text + (BUG if version % 2 else "")
            arrived[version] = asyncio.Event()
            start = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                    content_changes=[types.TextDocumentContentChangeWholeDocument(text=body)],
                )
            )
            await asyncio.wait_for(arrived[version].wait(), 60)
            latencies.append(time.perf_counter() - start)
            assert counts[version] == (1 if version % 2 else 0), counts[version]
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    latencies.sort()
    return {
        "lines": float(len(text.splitlines())),
        "startup": startup,
        "median": statistics.median(latencies),
        "p90": latencies[int(len(latencies) * 0.9) - 1],
        "max": latencies[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--classes", type=int, default=11)
    parser.add_argument("--changes", type=int, default=50)
    args = parser.parse_args()
    result = asyncio.run(measure(args.classes, args.changes))
    print(
        f"{int(result['lines'])}-line layer file, {args.changes} changes, "
        f"debounce {DEBOUNCE_SECONDS * 1000:.0f} ms, Python {sys.version.split()[0]}\n"
    )
    print("| first diagnostics after open (start-up) | change -> diagnostics: median | p90 | max |")
    print("|---|---|---|---|")
    print(
        f"| {result['startup'] * 1000:.0f} ms | {result['median'] * 1000:.1f} ms "
        f"| {result['p90'] * 1000:.1f} ms | {result['max'] * 1000:.1f} ms |"
    )


if __name__ == "__main__":
    main()
