"""Narration overhead (issue 4): `explain run` on the accumulation sample over `python` running the
same file (both pay torch's import); medians of paired runs.                      (target <= 1.5)

Wall time as a user sees it: `explain` ends with os._exit once its output is flushed
(explain.cli._exit), skipping the interpreter's teardown of torch and SymPy (0.3-0.5 s here),
which `python` pays for torch.

Run: python bench/bench_run.py [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "tutorial" / "04_accumulation.py"


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    runs = parser.parse_args().runs
    explain = shutil.which("explain") or sys.exit("explain is not installed (pip install -e .)")
    compileall.compile_dir(str(ROOT / "explain"), quiet=1)  # as an installed wheel would have it
    ours_cmd, base_cmd = [explain, "run", str(SAMPLE)], [sys.executable, str(SAMPLE)]
    wall(ours_cmd), wall(base_cmd)
    ours, base = [], []
    for _ in range(runs):
        ours.append(wall(ours_cmd))
        base.append(wall(base_cmd))
    o, b = statistics.median(ours), statistics.median(base)
    print(f"explain run {SAMPLE.name}: {o * 1e3:.0f} ms vs python {SAMPLE.name}: {b * 1e3:.0f} ms "
          f"-> ratio {o / b:.2f} (target <= 1.5)")  # fmt: skip


if __name__ == "__main__":
    main()
