"""Benchmarks of the cross-check (issue 3) on 10⁷ float64 elements; ratios against baselines
measured in the same run (medians; the machine is noisy).

(a) exact-gradient evaluation / SymPy's lambdify(cse=True) of the same derivative   (<= 1.2)
(b) whole cross-check (exact + autograd + finite differences) / bare torch forward+backward
    (<= 1.5 for the polynomial, <= 2.5 for the transcendental expression)
(c) peak memory of the cross-check / the input array's size                           (<= 12)
and the polynomial's exact gradient against the memory-bandwidth bound (16 bytes per element at
the speed of a NumPy copy; <= 2.5), and the symbolic time at 10 and at 10⁷ elements.

Run: python bench/bench_crosscheck.py [--elements N] [--runs R]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np
import sympy
import torch

from explain.crosscheck import crosscheck
from explain.parse import parse
from explain.rules import derive
from explain.symbolic import symbol
from explain.values import Value
from explain.vectorised import Program

CASES = {
    "polynomial": ("sum(x**2 + 2*x + 1)", lambda x: torch.sum(x**2 + 2 * x + 1), 1.5),
    "transcendental": (
        "sum(sin(x)*exp(-x**2)/(1+x**2))",
        lambda x: torch.sum(torch.sin(x) * torch.exp(-(x**2)) / (1 + x**2)),
        2.5,
    ),
}


def median_time(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired(a: Callable[[], object], b: Callable[[], object], runs: int) -> tuple[float, float]:
    a(), b()  # warm up
    xs, ys = [], []
    for _ in range(runs):
        xs.append(median_time(a, 1))
        ys.append(median_time(b, 1))
    return statistics.median(xs), statistics.median(ys)


def values(n: int) -> tuple[Value, ...]:
    return (Value("x", np.linspace(-3.0, 3.0, n), None, f"linspace(-3, 3, {n})"),)


def bench_case(name: str, runs: int, n: int) -> None:
    text, torch_fn, target = CASES[name]
    parsed = parse(text)
    arr = values(n)[0].array
    derivative = derive(parsed, "x").result
    program = Program.prepare([derivative])
    lam = sympy.lambdify([symbol("x")], derivative, modules="numpy", cse=True)  # noqa: TID251 - the baseline
    ours, base = paired(lambda: program.run_elementwise({"x": arr}), lambda: lam(arr), runs)
    print(f"[{name}] (a) exact gradient {ours * 1e3:.1f} ms vs lambdify(cse=True) {base * 1e3:.1f} ms "
          f"-> ratio {ours / base:.2f} (target <= 1.2)")  # fmt: skip
    if name == "polynomial":
        copy = median_time(arr.copy, runs)
        print(f"[{name}]     vs memory bandwidth (a NumPy copy, 16 B/element: {copy * 1e3:.1f} ms) "
              f"-> {ours / copy:.2f}x the bound (target <= 2.5)")  # fmt: skip

    def bare_torch() -> None:
        x = torch.from_numpy(arr).requires_grad_()
        torch_fn(x).backward()

    vals = values(n)
    whole, base = paired(lambda: crosscheck(parsed, vals, ["x"]), bare_torch, runs)
    print(f"[{name}] (b) whole cross-check {whole * 1e3:.0f} ms vs torch forward+backward "
          f"{base * 1e3:.0f} ms -> ratio {whole / base:.2f} (target <= {target})")  # fmt: skip
    symbolic = median_time(lambda: Program.prepare([derive(parsed, "x").result]), runs)
    small = median_time(lambda: crosscheck(parsed, values(10), ["x"]), runs)
    print(f"[{name}]     symbolic work (derive + compile): {symbolic * 1e3:.1f} ms, whatever the size; "
          f"whole cross-check at 10 elements {small * 1e3:.1f} ms, at {n:.0e} {whole * 1e3:.0f} ms")  # fmt: skip


MEMORY_PROBE = """
import json, resource, sys
import numpy as np
from explain.crosscheck import crosscheck
from explain.parse import parse
from explain.values import Value
n = int(sys.argv[1]); text = sys.argv[2]
parsed = parse(text)
crosscheck(parsed, (Value("x", np.linspace(-3.0, 3.0, 10), None, ""),), ["x"])  # imports, caches
arr = np.linspace(-3.0, 3.0, n)
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()
before = rss()
base_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
crosscheck(parsed, (Value("x", arr, None, ""),), ["x"])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"before": before, "peak": peak, "base_peak": base_peak, "input": arr.nbytes}))
"""


def bench_memory(name: str, n: int) -> None:
    text = CASES[name][0]
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE, str(n), text],
        check=True,
        capture_output=True,
        text=True,
    )
    m = json.loads(out.stdout)
    grown = max(m["peak"], m["base_peak"]) - m["before"]
    print(f"[{name}] (c) peak memory of the cross-check {grown / 2**20:.0f} MiB over an input of "
          f"{m['input'] / 2**20:.0f} MiB -> ratio {grown / m['input']:.1f} (target <= 12)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--elements", type=int, default=10**7)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(torch.get_num_threads())
    print(f"{args.elements:.0e} float64 elements, medians of {args.runs} runs, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")  # fmt: skip
    for name in CASES:
        bench_case(name, args.runs, args.elements)
        bench_memory(name, args.elements)


if __name__ == "__main__":
    main()
