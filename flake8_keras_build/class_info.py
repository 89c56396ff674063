"""A class header: the ``class`` statement and what its bases make it.

Plain data shared by the gate (``analysis/layers.py``, which fills it) and the model
(``model.py``, whose ``LayerClass`` keeps it), so neither imports the other. It is
its own small module because the gate runs on every file: importing it must not
bring in the model or the rules.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Iterator, List, Optional, Set


@dataclass
class ClassInfo:
    """A class of the file and what its bases make it: ``kind`` is "layer",
    "model", "metric" or None (not a Keras class)."""

    node: ast.ClassDef
    kind: Optional[str]
    local_bases: List[ClassInfo] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.node.name

    def ancestors(self) -> Iterator[ClassInfo]:
        """Same-file ancestors, nearest first, each once."""
        seen: Set[int] = {id(self)}
        queue = list(self.local_bases)
        while queue:
            info = queue.pop(0)
            if id(info) in seen:
                continue
            seen.add(id(info))
            yield info
            queue.extend(info.local_bases)
