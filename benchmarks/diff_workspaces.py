"""Whether two cases hold the same records, the times they were written at aside.

    python benchmarks/diff_workspaces.py CASE_A CASE_B

For checking that a change to ingest or linking decides nothing differently: ingest the same
inputs into two fresh workspaces (e.g. with ``benchmarks/bench_ingest.py``'s pages, before and
after the change) and compare them. Every file of the two folders is compared, but for the
derived ``.cache/`` and the lock file; record files (JSON) are compared without their
``*_at`` fields (``created_at``, ``retrieved_at``, ...), snapshots byte for byte. Prints each
difference and exits 1 when there is one.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

SKIPPED = {".cache", ".lock"}


def without_times(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_times(v) for k, v in value.items() if not k.endswith("_at")}
    if isinstance(value, list):
        return [without_times(v) for v in value]
    return value


def files(root: Path) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in SKIPPED]
        for name in names:
            if name not in SKIPPED:
                path = Path(folder) / name
                found[str(path.relative_to(root))] = path
    return found


def same(a: Path, b: Path) -> bool:
    left, right = a.read_bytes(), b.read_bytes()
    if left == right:
        return True
    if a.suffix != ".json":
        return False
    try:
        return without_times(json.loads(left)) == without_times(json.loads(right))
    except ValueError:
        return False


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.strip().split("\n\n")[1])
        return 2
    a, b = files(Path(sys.argv[1])), files(Path(sys.argv[2]))
    differences = 0
    for name in sorted(set(a) | set(b)):
        if name not in b or name not in a:
            print(f"only in {sys.argv[1] if name in a else sys.argv[2]}: {name}")
            differences += 1
        elif not same(a[name], b[name]):
            print(f"differs: {name}")
            differences += 1
    print(f"{len(a)} and {len(b)} files; {differences} differences (times aside)")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
