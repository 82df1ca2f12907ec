#!/usr/bin/env python3
"""Milliseconds per training iteration of the four course templates in PyTorch on one thread, in
float32 and float64: what `ebm-sweep bench` is compared with (BENCHMARKS.md).

Each configuration is the template's (design.md section 2): ML 2x128 relu, batch 512, 20 persistent
Langevin steps of 5e-4; NCE 3x256 leaky_relu, batch 100 data + 100 noise, trainable log(1/z); ISM
2x512 softplus, batch 512, the exact Jacobian trace by autograd; DSM 2x512 softplus, batch 512,
sigma 0.1; Adam lr 1e-3. Data are a seeded Gaussian blob (speed does not depend on its shape).
After --warmup iterations, --iterations are timed in rounds of --per-round; the median round is
reported, as `ebm-sweep bench` does.

Usage: pytorch_timing.py [--methods ml nce ism dsm] [--dtypes float32 float64] [--iterations 20]
"""
import argparse
import math
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_num_interop_threads(1)


def mlp(width, hidden, out, act):
    layers = [nn.Linear(2, width), act()]
    for _ in range(hidden):
        layers += [nn.Linear(width, width), act()]
    return nn.Sequential(*layers, nn.Linear(width, out))


class ML:
    def __init__(self):
        self.f = mlp(128, 2, 1, nn.ReLU)
        self.params, self.batch = list(self.f.parameters()), 512
        self.chains = torch.randn(self.batch, 2)

    def loss(self, x):
        eps = 5e-4
        xs = self.chains
        for _ in range(20):
            xs = xs.detach().requires_grad_(True)
            g, = torch.autograd.grad(self.f(xs).sum(), xs)
            xs = (xs - eps * g + math.sqrt(2 * eps) * torch.randn_like(xs)).detach()
        self.chains = xs
        return self.f(x).mean() - self.f(xs).mean()


class NCE:
    def __init__(self):
        self.f = mlp(256, 3, 1, nn.LeakyReLU)
        self.c = nn.Parameter(torch.zeros(()))
        self.params, self.batch, self.std = list(self.f.parameters()) + [self.c], 100, 2.0

    def log_q(self, u):
        var = self.std ** 2
        return -0.5 * u.pow(2).sum(1) / var - math.log(2 * math.pi * var)

    def loss(self, x):
        y = self.std * torch.randn_like(x)
        log_p = lambda u: -self.f(u).squeeze(-1) + self.c
        return -(F.logsigmoid(log_p(x) - self.log_q(x)).mean() + F.logsigmoid(self.log_q(y) - log_p(y)).mean())


class ISM:
    def __init__(self):
        self.s = mlp(512, 2, 2, nn.Softplus)
        self.params, self.batch = list(self.s.parameters()), 512

    def loss(self, x):
        x = x.clone().requires_grad_(True)
        out = self.s(x)
        trace = sum(torch.autograd.grad(out[:, k].sum(), x, create_graph=True)[0][:, k] for k in range(2))
        return (0.5 * out.pow(2).sum(1) + trace).mean()


class DSM:
    def __init__(self):
        self.s = mlp(512, 2, 2, nn.Softplus)
        self.params, self.batch, self.sigma = list(self.s.parameters()), 512, 0.1

    def loss(self, x):
        y = x + self.sigma * torch.randn_like(x)
        return 0.5 * (self.s(y) - (x - y) / self.sigma ** 2).pow(2).sum(1).mean()


METHODS = {"ml": ML, "nce": NCE, "ism": ISM, "dsm": DSM}


def time_method(name, dtype, warmup, iterations, per_round):
    torch.set_default_dtype(dtype)
    torch.manual_seed(0)
    model = METHODS[name]()
    data = torch.randn(16384, 2)
    optimizer = torch.optim.Adam(model.params, lr=1e-3)
    rounds = []
    done, start = 0, None
    for it in range(warmup + iterations):
        if it == warmup:
            start = time.perf_counter()
        x = data[torch.randint(0, data.shape[0], (model.batch,))]
        optimizer.zero_grad(set_to_none=True)
        model.loss(x).backward()
        optimizer.step()
        if it >= warmup:
            done += 1
            if done % per_round == 0:
                now = time.perf_counter()
                rounds.append((now - start) / per_round * 1e3)
                start = now
    return statistics.median(rounds)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=list(METHODS))
    parser.add_argument("--dtypes", nargs="+", default=["float32", "float64"], choices=["float32", "float64"])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--per-round", type=int, default=2)
    args = parser.parse_args()
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, CPU capability {torch.backends.cpu.get_cpu_capability()}")
    print("| method | dtype | ms / iteration (PyTorch) |")
    print("|---|---|---:|")
    for name in args.methods:
        for dtype in args.dtypes:
            ms = time_method(name, getattr(torch, dtype), args.warmup, args.iterations, args.per_round)
            print(f"| {name} | {dtype} | {ms:.2f} |", flush=True)


if __name__ == "__main__":
    main()
