#!/usr/bin/env python3
"""Recomputes the Swift trainer's objectives in PyTorch and compares loss and gradient, in float64
and in float32 (each exported case names its precision; float32 cases were computed by the Swift
trainer in Float from float32 inputs, and PyTorch recomputes them in torch.float32).

Reads the JSON files `Tests/EBMCoreTests/CrossCheckExport.swift` writes (one per objective: the
template layout, flat parameters, batch, fixed noise or Langevin samples, hyperparameters, and the
Swift loss and gradient; for ML also ∇ₓf at the samples, its own column), rebuilds each model as the course templates do (design.md section 2),
evaluates the objective the way the course's PyTorch code would, with autograd for every gradient
(and for ISM's Jacobian trace), and prints one row per file. Exits 1 on any FAIL.

Usage: pytorch_crosscheck.py DIR        (`make crosscheck` runs the exporter and then this)
"""
import json
import math
import pathlib
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)  # a few tiny batches; leave the other core alone

# Both sides compute the same expressions in a different order (BLAS, fused kernels). In float64
# they agree to ~1e-14; 1e-9 leaves room for that and nothing else. In float32 (u = 6e-8) the
# orders differ over sums of up to 512 terms through three layers: measured gradients 1e-7 to 2e-6,
# losses 4e-8 to 1e-5 (ML's loss is a difference of two means, near cancellation); 1e-4 is far
# below what a wrong term would give (a parameter off by 1e-3 or a dropped term is ~1e-2).
TOLERANCE = {"float64": 1e-9, "float32": 1e-4}
DTYPES = {"float64": torch.float64, "float32": torch.float32}

ACTIVATIONS = {
    "relu": nn.ReLU,
    "leaky_relu": nn.LeakyReLU,  # slope 0.01, PyTorch's default
    "softplus": nn.Softplus,  # beta 1, threshold 20
    "silu": nn.SiLU,
    "tanh": nn.Tanh,
}


def build_mlp(layout, flat):
    """Linear(2, H), hidden_layers x Linear(H, H), an activation after each, then Linear(H, out),
    with the parameters taken in order: per layer the weight [out, in] row-major, then the bias."""
    width, act = layout["width"], ACTIVATIONS[layout["activation"]]
    layers = [nn.Linear(layout["inputs"], width), act()]
    for _ in range(layout["hidden_layers"]):
        layers += [nn.Linear(width, width), act()]
    layers.append(nn.Linear(width, layout["outputs"]))
    model = nn.Sequential(*layers)
    offset = 0
    with torch.no_grad():
        for p in model.parameters():  # weight then bias, layer by layer
            p.copy_(torch.tensor(flat[offset:offset + p.numel()]).view_as(p))
            offset += p.numel()
    return model, offset


def ml_loss(f, case, x, extra):
    """Contrastive divergence with samples held fixed, plus alpha * mean(f(x)^2 + f(x_hat)^2)."""
    x_hat = torch.tensor(case["samples"])
    fx, fs = f(x).squeeze(-1), f(x_hat).squeeze(-1)
    alpha = case["energy_reg"]
    return fx.mean() - fs.mean() + alpha * (fx.pow(2) + fs.pow(2)).mean()


def nce_loss(f, case, x, extra):
    """log p = -f + c, Q = N(0, noise_std^2 I), log-sigmoid forms."""
    (c,) = extra
    y = torch.tensor(case["noise"])
    q = torch.distributions.MultivariateNormal(torch.zeros(2), covariance_matrix=case["noise_std"] ** 2 * torch.eye(2))
    log_p = lambda u: -f(u).squeeze(-1) + c
    return -(F.logsigmoid(log_p(x) - q.log_prob(x)).mean() + F.logsigmoid(q.log_prob(y) - log_p(y)).mean())


def ism_loss(s, case, x, extra):
    """mean[1/2 |s(x)|^2 + tr(ds/dx)], the trace exact: one autograd pass per input dimension."""
    x = x.clone().requires_grad_(True)
    out = s(x)
    trace = torch.zeros(x.shape[0])
    for k in range(x.shape[1]):
        trace = trace + torch.autograd.grad(out[:, k].sum(), x, create_graph=True)[0][:, k]
    return (0.5 * out.pow(2).sum(dim=1) + trace).mean()


def dsm_loss(s, case, x, extra):
    """y = x + sigma z;  mean 1/2 |s(y) - (x - y)/sigma^2|^2."""
    sigma, z = case["sigma"], torch.tensor(case["noise"])
    y = x + sigma * z
    return 0.5 * (s(y) - (x - y) / sigma**2).pow(2).sum(dim=1).mean()


LOSSES = {"ml": ml_loss, "nce": nce_loss, "ism": ism_loss, "dsm": dsm_loss}


def check(case):
    """(|dloss|/|loss|, max |dgrad| / max |grad|, the same for ∇ₓf or None) for one exported case."""
    torch.set_default_dtype(DTYPES[case.get("precision", "float64")])
    model, used = build_mlp(case["layout"], case["parameters"])
    extra = [torch.tensor(v, requires_grad=True) for v in case["parameters"][used:]]  # NCE's c
    params = list(model.parameters()) + extra
    loss = LOSSES[case["method"]](model, case, torch.tensor(case["batch"]), extra)
    grad = torch.cat([g.reshape(-1) for g in torch.autograd.grad(loss, params)])
    swift_grad = torch.tensor(case["gradient"], dtype=torch.float64)
    grad = grad.to(torch.float64)
    assert grad.numel() == swift_grad.numel(), "gradient lengths differ"
    loss_error = abs(loss.item() - case["loss"]) / abs(case["loss"])
    grad_error = ((grad - swift_grad).abs().max() / swift_grad.abs().max()).item()
    input_error = None
    if "input_gradient" in case:
        # ML: the gradient every Langevin step follows, d f(x_hat).sum() / d x_hat.
        x_hat = torch.tensor(case["samples"], requires_grad=True)
        (input_grad,) = torch.autograd.grad(model(x_hat).sum(), x_hat)
        swift_input = torch.tensor(case["input_gradient"], dtype=torch.float64)
        input_error = ((input_grad.to(torch.float64) - swift_input).abs().max() / swift_input.abs().max()).item()
    return loss_error, grad_error, input_error


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    files = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
    if not files:
        sys.exit(f"no exported cases in {sys.argv[1]} (run the CrossCheck export test first)")
    print(f"PyTorch {torch.__version__}; tolerance {TOLERANCE['float64']:g} in float64, {TOLERANCE['float32']:g} in float32")
    print(f"{'case':<22} {'layout':<22} {'params':>7} {'loss (Swift)':>22} {'|dloss|/|loss|':>15} {'max grad err':>13} "
          f"{'max ∇x err':>11}  result")
    failed = False
    for path in files:
        case = json.loads(path.read_text())
        loss_error, grad_error, input_error = check(case)
        tolerance = TOLERANCE[case.get("precision", "float64")]
        errors = [loss_error, grad_error] + ([input_error] if input_error is not None else [])
        ok = all(math.isfinite(e) and e <= tolerance for e in errors)
        failed |= not ok
        lay = case["layout"]
        shape = f"{lay['hidden_layers']}x{lay['width']} {lay['activation']}->{lay['outputs']}"
        input_text = f"{input_error:>11.2e}" if input_error is not None else f"{'-':>11}"
        print(f"{path.stem:<22} {shape:<22} {len(case['parameters']):>7} {case['loss']:>22.15g} "
              f"{loss_error:>15.2e} {grad_error:>13.2e} {input_text}  {'PASS' if ok else 'FAIL'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
