"""After `mutmut run`: one row per module of the pure core (mutants, killed, survived, no tests)."""

import json
from pathlib import Path

from mutmut.stats import status_by_exit_code

print(f"\n{'module':32} {'mutants':>7} {'killed':>6} {'survived':>8} {'no tests':>8} {'killed':>7}")
for meta in sorted(Path("mutants").rglob("*.py.meta")):
    codes = json.loads(meta.read_text())["exit_code_by_key"].values()
    seen = [status_by_exit_code[code] for code in codes]
    if seen:
        killed, survived, untested = (seen.count(s) for s in ("killed", "survived", "no tests"))
        module = str(meta.relative_to("mutants")).removesuffix(".meta")
        share = 100 * killed / len(seen)
        print(f"{module:32} {len(seen):7} {killed:6} {survived:8} {untested:8} {share:6.1f}%")
