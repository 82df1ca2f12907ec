#!/usr/bin/env python3
"""Milliseconds per iteration over a whole score-matching run in PyTorch on one thread (float32),
by quarters of the run: what `ebm-sweep train --method ism|dsm` prints as its average
(BENCHMARKS.md, "Whole runs"). `scripts/pytorch_timing.py` times iterations from a fresh
initialisation; late in a run softplus saturates and many values become subnormal, which x86
handles slowly unless they are flushed to zero (--flush: torch.set_flush_denormal(True)).

The model and losses are pytorch_timing.py's ISM and DSM (softplus MLP, Adam lr 1e-3, batch 512)
on the rings: radii 0.5 and 1.0, n/2 + 1 evenly spaced angles each, n points drawn from them,
plus 0.03 N(0, I) (docs/design.md, "The course templates").

Usage: pytorch_whole_run.py --method ism|dsm [--width 256] [--iterations 2000] [--data-size 1024] [--flush]
"""
import argparse
import math
import time

import torch
import torch.nn as nn

torch.set_num_threads(1)
torch.set_num_interop_threads(1)


def rings(n):
    angles = torch.arange(n // 2 + 1) * (2 * math.pi / (n // 2 + 1))
    points = torch.cat([torch.stack([r * torch.cos(angles), r * torch.sin(angles)], 1) for r in (0.5, 1.0)])
    return points[torch.randint(0, len(points), (n,))] + 0.03 * torch.randn(n, 2)


def ism_loss(s, x):
    x = x.clone().requires_grad_(True)
    out = s(x)
    trace = sum(torch.autograd.grad(out[:, k].sum(), x, create_graph=True)[0][:, k] for k in range(2))
    return (0.5 * out.pow(2).sum(1) + trace).mean()


def dsm_loss(s, x, sigma=0.1):
    y = x + sigma * torch.randn_like(x)
    return 0.5 * (s(y) - (x - y) / sigma ** 2).pow(2).sum(1).mean()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", choices=["ism", "dsm"], required=True)
    parser.add_argument("--width", type=int, default=256)
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--data-size", type=int, default=1024)
    parser.add_argument("--flush", action="store_true", help="torch.set_flush_denormal(True)")
    args = parser.parse_args()
    torch.set_flush_denormal(args.flush)
    torch.manual_seed(0)
    data = rings(args.data_size)
    w = args.width
    s = nn.Sequential(nn.Linear(2, w), nn.Softplus(), nn.Linear(w, w), nn.Softplus(),
                      nn.Linear(w, w), nn.Softplus(), nn.Linear(w, 2))
    optimizer = torch.optim.Adam(s.parameters(), lr=1e-3)
    loss = ism_loss if args.method == "ism" else dsm_loss
    quarter = max(1, args.iterations // 4)
    quarters, start = [], time.perf_counter()
    began = start
    for it in range(1, args.iterations + 1):
        x = data[torch.randperm(args.data_size)[:512]]
        optimizer.zero_grad(set_to_none=True)
        loss(s, x).backward()
        optimizer.step()
        if it % quarter == 0:
            now = time.perf_counter()
            quarters.append((now - start) / quarter * 1e3)
            start = now
    whole = (time.perf_counter() - began) / args.iterations * 1e3
    print(f"PyTorch {torch.__version__} {args.method} width {w}, {args.iterations} iterations, flush {args.flush}: "
          f"{whole:.1f} ms per iteration; by quarter " + " / ".join(f"{q:.1f}" for q in quarters))


if __name__ == "__main__":
    main()
