#!/usr/bin/env python3
"""The trainer against PyTorch on one thread, side by side: issue 11's benchmark as one command.

For each method and precision, --rounds pairs of runs back to back: `ebm-sweep bench` (ours, with
its ratio to the same run's sgemm/dgemm rate) and scripts/pytorch_timing.py (PyTorch, the same
configuration), the order swapped every round so that a host slowing down does not always hit the
same side. A shared host's speed drifts by 20 % within a minute, so each pair's speed-up is taken
within the pair, and the table reports the median over pairs. Run it with a Python that has
PyTorch; it starts pytorch_timing.py with the same interpreter.

Usage: side_by_side.py EBM_SWEEP [--rounds 6] [--iterations 60] [--methods ml nce ism dsm]
                                 [--precisions float32 float64]
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def ours(binary, method, precision, iterations):
    """(ms per iteration, ratio to the same run's GEMM rate) from `ebm-sweep bench`."""
    out = subprocess.run([binary, "bench", "--methods", method, "--precisions", precision,
                          "--iterations", str(iterations)], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 7 and cells[0] == method and cells[1] == precision:
            return float(cells[2]), float(cells[6])
    raise SystemExit(f"no {method} {precision} row in ebm-sweep bench's output:\n{out}")


def pytorch(method, precision, iterations):
    """ms per iteration from pytorch_timing.py, in rounds as long as `bench`'s (up to ten rounds of
    iterations / rounds each, TrainerBenchmark.run)."""
    per_round = max(1, iterations // max(1, min(10, iterations)))
    out = subprocess.run([sys.executable, os.path.join(HERE, "pytorch_timing.py"), "--methods", method,
                          "--dtypes", precision, "--iterations", str(iterations), "--per-round", str(per_round)],
                         check=True, capture_output=True, text=True).stdout
    match = re.search(rf"\|\s*{method}\s*\|\s*{precision}\s*\|\s*([0-9.]+)\s*\|", out)
    if not match:
        raise SystemExit(f"no {method} {precision} row in pytorch_timing.py's output:\n{out}")
    return float(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ebm_sweep", help="the ebm-sweep binary to time")
    parser.add_argument("--rounds", type=int, default=6, help="pairs per row; even, so each side goes first equally")
    parser.add_argument("--iterations", type=int, default=60)
    parser.add_argument("--methods", nargs="+", default=["ml", "nce", "ism", "dsm"])
    parser.add_argument("--precisions", nargs="+", default=["float32", "float64"])
    args = parser.parse_args()
    if shutil.which(args.ebm_sweep) is None:
        raise SystemExit(f"{args.ebm_sweep}: not an executable ebm-sweep (build it with `make build`)")
    if args.rounds < 1 or args.iterations < 1:
        raise SystemExit("--rounds and --iterations must be at least 1")
    try:
        import torch  # noqa: F401 (pytorch_timing.py runs with this interpreter)
    except ImportError:
        raise SystemExit(f"{sys.executable} has no PyTorch: run this script with a Python that has it")
    print("| method | precision | ours, ms (median) | PyTorch, ms (median) | speed-up, median of pairs (range) "
          "| ratio to sgemm/dgemm, median (range) |")
    print("|---|---|---:|---:|---:|---:|")
    for method in args.methods:
        for precision in args.precisions:
            mine, theirs, speedups, ratios = [], [], [], []
            for round_ in range(args.rounds):
                if round_ % 2 == 0:
                    ms, ratio = ours(args.ebm_sweep, method, precision, args.iterations)
                    torch_ms = pytorch(method, precision, args.iterations)
                else:
                    torch_ms = pytorch(method, precision, args.iterations)
                    ms, ratio = ours(args.ebm_sweep, method, precision, args.iterations)
                mine.append(ms); theirs.append(torch_ms); ratios.append(ratio); speedups.append(torch_ms / ms)
            print(f"| {method} | {precision} | {statistics.median(mine):.2f} | {statistics.median(theirs):.2f} "
                  f"| {statistics.median(speedups):.2f}× ({min(speedups):.2f}–{max(speedups):.2f}) "
                  f"| {statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f}) |", flush=True)


if __name__ == "__main__":
    main()
