"""Score KLB304 on the labels of ``tests/corpus/klb304-labels.jsonl``.

    python tools/score_klb304_labels.py SAMPLE=ROOT [SAMPLE=ROOT ...]

e.g. ``dev-census=.corpus/src community-census=/tmp/community/src``: each ROOT holds
the unpacked packages of that sample, ``ROOT/<package>/<path>``. Every labelled file
is linted with KLB304 (the plugin's ``lint``, cross-module lookups included); a
report on a ``tp`` counts as found, on a ``trap`` as a false report, on an
``unsure`` site not at all. ``docs/klb304-labels.md`` says how the labels were made.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

from flake8_keras_build.engine import lint

LABELS = Path(__file__).resolve().parents[1] / "tests" / "corpus" / "klb304-labels.jsonl"


def main(argv: List[str]) -> int:
    roots = dict(arg.split("=", 1) for arg in argv)
    labels: Dict[Tuple[str, str, int], dict] = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        label = json.loads(line)
        source = label.get("package") or label["source"]
        labels[(source, label["path"], label["line"])] = label
    counts: Counter[Tuple[str, str]] = Counter()
    for label in labels.values():
        counts[(label["sample"], "tp labelled")] += label["verdict"] == "tp"
    files = sorted({(label["sample"], key[0], key[1]) for key, label in labels.items()})
    for sample, source, path in files:
        if sample not in roots:
            continue
        full = Path(roots[sample], source, path)
        text = full.read_text(encoding="utf-8", errors="replace")
        for finding in lint(text, filename=str(full)):
            if finding.code != "KLB304":
                continue
            label = labels.get((source, path, finding.line))
            verdict = label["verdict"] if label else "unlabelled"
            counts[(sample, verdict)] += 1
            print(f"{sample}: {source}/{path}:{finding.line}: {verdict}")
    for sample in sorted({s for s, _ in counts}):
        tp, trap = counts[(sample, "tp")], counts[(sample, "trap")]
        labelled = counts[(sample, "tp labelled")]
        precision = f"{tp / (tp + trap):.2f}" if tp + trap else "n/a"
        recall = f"{tp / labelled:.2f}" if labelled else "n/a"
        print(f"{sample}: found {tp} of {labelled} tp, {trap} trap(s) reported, "
              f"precision {precision}, recall {recall}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
