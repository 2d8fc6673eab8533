"""Benchmark of issue 6: a whole worksheet in one process against one process per problem.

Measured in the same run (medians; the machine is noisy):
  A. `explain worksheet bench/worksheet_bench.toml --variants 30 --seed 2026 -o DIR/
     --grading-key DIR/key.toml`: 30 variants x 10 problems, every answer worked and verified
     against autograd, every sheet and key written as LaTeX, in one process;
  B. the same 300 problems as 300 separate `explain diff ... --format latex` processes (with
     --wrt, --order and --at as the problem asks: --at runs the autograd cross-check).
Target: A / B <= 0.1 (one process at least 10x cheaper than per-problem calls).

Run: python bench/bench_worksheet.py [--runs N] [--sample K]
  --sample K times K of the 300 diff processes (a seeded random sample) and scales their sum to 300;
  the default times all 300.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "worksheet_bench.toml"
VARIANTS, SEED, TARGET = 30, 2026, 0.1


def explain() -> list[str]:
    found = shutil.which("explain", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "explain"]


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def diff_commands() -> list[list[str]]:
    """One `explain diff` command per problem of every variant, as the worksheet asks them."""
    from explain import api
    from explain.reports import Differentiate, EvaluateAt, TensorGradient

    ws = api.build_worksheet(SPEC, variants=VARIANTS, seed=SEED)
    commands = []
    for variant in ws.variants:
        for p in variant.problems:
            task = p.task
            if not isinstance(task, Differentiate | EvaluateAt | TensorGradient):
                raise SystemExit(f"{SPEC}: {p.id} is not a function problem")
            cmd = [*explain(), "diff", task.function.source, "--wrt", task.variable]
            if not isinstance(task, TensorGradient) and task.order != 1:
                cmd += ["--order", str(task.order)]
            if isinstance(task, EvaluateAt | TensorGradient):
                cmd += ["--at", task.at]
            commands.append([*cmd, "--format", "latex"])
    return commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of the worksheet process")
    parser.add_argument("--sample", type=int, default=0, help="time only K diff processes")
    args = parser.parse_args()

    commands = diff_commands()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        sheet_cmd = [
            *explain(), "worksheet", str(SPEC), "--variants", str(VARIANTS), "--seed",
            str(SEED), "-o", f"{out}/", "--grading-key", str(out / "key.toml"),
        ]  # fmt: skip
        wall(sheet_cmd)  # warm the file cache
        sheets = [wall(sheet_cmd) for _ in range(args.runs)]
        written = len(list(out.glob("*.tex")))
    chosen = commands
    if args.sample and args.sample < len(commands):  # a seeded sample covers every kind
        chosen = random.Random(SEED).sample(commands, args.sample)
    wall(chosen[0])  # warm
    each = [wall(cmd) for cmd in chosen]
    total = sum(each) * len(commands) / len(chosen)
    one = statistics.median(sheets)
    ratio = one / total
    print(
        f"A. one `explain worksheet` process: {VARIANTS} variants x {len(commands) // VARIANTS}"
        f" problems, keys and grading key ({written} .tex files): median {one:.2f} s"
        f" over {args.runs} runs (all: {', '.join(f'{s:.2f}' for s in sheets)})"
    )
    scaled = (
        "" if chosen is commands else f" (sum of {len(chosen)} timed, scaled to {len(commands)})"
    )
    print(
        f"B. {len(commands)} `explain diff --format latex` processes: total {total:.1f} s{scaled};"
        f" median {statistics.median(each):.3f} s per process"
        f" (min {min(each):.3f}, max {max(each):.3f})"
    )
    verdict = "met" if ratio <= TARGET else "NOT met"
    print(
        f"A / B = {ratio:.4f} (target <= {TARGET}: {verdict}); per problem: "
        f"{one / len(commands) * 1000:.1f} ms in one process vs {total / len(commands) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
