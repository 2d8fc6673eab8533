"""Benchmarks of issue 2, each a ratio against a baseline measured in the same run (medians).

1. `explain diff "x**2 + 2*x + 1"` / `python -c "import sympy, numpy, click"`  (target <= 1.15)
2. `explain --help` / `python -c "import click"`                              (target <= 2)
3. explain.derive (steps, check, tidy) / a cold sympy.diff of the same input   (target <= 2)

Run: python bench/bench_diff.py [--runs N]
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

EXPRESSIONS = ["x**2 + 2*x + 1", "sin(x^2)", "x*exp(x)", "ln(x)/x", "(2x+1)/(x-3)", "sqrt(1 - x^2)"]


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def paired(a: Callable[[], float], b: Callable[[], float], runs: int) -> tuple[float, float]:
    """Alternate the two measurements (the machine is noisy) and return both medians."""
    xs, ys = [], []
    a(), b()  # warm the file cache
    for _ in range(runs):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def cold_diff_vs_derive(text: str, runs: int) -> tuple[float, float]:
    import sympy
    from sympy.core.cache import clear_cache

    import explain
    from explain.symbolic import symbol, to_sympy

    parsed = explain.read(text)
    target = to_sympy(parsed.expr)
    x = symbol("x")

    def cold_diff() -> float:
        clear_cache()
        start = time.perf_counter()
        sympy.diff(target, x)
        return time.perf_counter() - start

    def cold_derive() -> float:
        clear_cache()
        start = time.perf_counter()
        explain.derive(parsed, "x")
        return time.perf_counter() - start

    return paired(cold_derive, cold_diff, runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    explain_cmd = shutil.which("explain") or sys.exit("explain is not installed (pip install -e .)")
    py = sys.executable
    # An installed wheel ships bytecode and an editable install writes it on first import, unless
    # PYTHONDONTWRITEBYTECODE is set (it is on the project's machines): compile once, as pip would,
    # so that the start-up measured is a user's, not the compiler's.
    package = Path(__file__).resolve().parents[1] / "explain"
    compileall.compile_dir(str(package), quiet=1)
    flag = os.environ.get("PYTHONDONTWRITEBYTECODE", "")
    print(f"bytecode compiled for {package} (PYTHONDONTWRITEBYTECODE={flag!r})")

    ours, base = paired(
        lambda: wall([explain_cmd, "diff", "x**2 + 2*x + 1"]),
        lambda: wall([py, "-c", "import sympy, numpy, click"]),
        runs,
    )
    print(
        f"explain diff: {ours * 1e3:.0f} ms vs import sympy+numpy+click {base * 1e3:.0f} ms "
        f"-> ratio {ours / base:.2f} (target <= 1.15)"
    )
    ours, base = paired(
        lambda: wall([explain_cmd, "--help"]), lambda: wall([py, "-c", "import click"]), runs
    )
    print(
        f"explain --help: {ours * 1e3:.0f} ms vs import click {base * 1e3:.0f} ms "
        f"-> ratio {ours / base:.2f} (target <= 2)"
    )
    ratios = []
    for text in EXPRESSIONS:
        ours, base = cold_diff_vs_derive(text, runs * 4)
        ratios.append(ours / base)
        print(
            f"derive {text!r}: {ours * 1e3:.2f} ms vs cold sympy.diff {base * 1e3:.2f} ms"
            f" -> ratio {ours / base:.2f}"
        )
    print(f"derive / cold sympy.diff: median ratio {statistics.median(ratios):.2f} (target <= 2)")


if __name__ == "__main__":
    main()
