"""The optimizers of eos against torch.optim: replays run directories in PyTorch and compares.

    <venv python> Tests/oracle/torch_optimizers.py RUN_DIR...   # exit 0 and "ok" when every run agrees

For each run (Float64, no tracking; docs/THEORY.md §11): the module of python/eos_models.py with
params-init loaded, on the run's data.safetensors, trained for train.steps full-batch steps with
the torch.optim optimizer its config.json names (foreach=False: the single-tensor code path):

    gd        SGD(lr)                       polyak    SGD(lr, momentum=β)
    nesterov  SGD(lr, momentum=β, nesterov=True)
    rmsprop   RMSprop(lr, alpha=β₂, eps=ε)  adam      Adam(lr, betas=(β₁, β₂), eps=ε)

must end at params-final to a relative error ‖θ_torch − θ_eos‖ / ‖θ_eos‖ ≤ 1e-12. At the last
trace row T, whose sharpness eos measured, the top eigenvalue of the dense Hessian (autograd)
must equal trace.csv's `sharpness`, and for rmsprop and adam the top eigenvalue of
P^{-1/2} H P^{-1/2} — with P = √v̂ + ε the denominator update T + 1 would divide by, from
torch's optimizer state and g_T — its `preconditioned_sharpness`, both to 1e-8 relative.
"""

import csv
import json
import os
import sys

import torch
from safetensors.torch import load_file

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import eos_models  # noqa: E402

THETA_TOLERANCE = 1e-12
SHARPNESS_TOLERANCE = 1e-8


def optimizer_of(train, parameters):
    """The torch.optim optimizer of config.json's [train] (docs/CONFIGURATION.md §2.4)."""
    name, lr = train.get("optimizer", "gd"), train["lr"]
    beta, beta2, eps = train.get("momentum", 0.9), train.get("beta2"), train.get("epsilon", 1e-8)
    if name == "gd":
        return torch.optim.SGD(parameters, lr=lr, foreach=False)
    if name in ("polyak", "nesterov"):
        return torch.optim.SGD(parameters, lr=lr, momentum=beta, nesterov=name == "nesterov", foreach=False)
    if name == "rmsprop":
        return torch.optim.RMSprop(parameters, lr=lr, alpha=beta2, eps=eps, foreach=False)
    if name == "adam":
        return torch.optim.Adam(parameters, lr=lr, betas=(beta, beta2), eps=eps, foreach=False)
    raise SystemExit(f"train.optimizer: unknown optimizer {name!r}")


def preconditioner(train, optimizer, parameters, gradient, step):
    """P = √v̂ + ε of update step + 1 (1-based count), flattened in θ's order, as torch would
    form it from its state after `step` updates and the gradient at θ_step."""
    name, eps, beta2 = train["optimizer"], train["epsilon"], train["beta2"]
    v = torch.cat([optimizer.state[p]["square_avg" if name == "rmsprop" else "exp_avg_sq"].reshape(-1) for p in parameters])
    v = v * beta2 + (1 - beta2) * gradient * gradient
    if name == "rmsprop":
        return v.sqrt() + eps
    return v.sqrt() / (1 - beta2 ** (step + 1)) ** 0.5 + eps


def dense_hessian(model, loss, x, y, names):
    """∇²L at the module's parameters as an [N, N] matrix in θ's (state_dict) order."""
    shapes = [p.shape for p in model.parameters()]
    sizes = [p.numel() for p in model.parameters()]
    flat = torch.cat([p.detach().reshape(-1) for p in model.parameters()])

    def objective(theta):
        pieces = torch.split(theta, sizes)
        params = {name: piece.reshape(shape) for name, piece, shape in zip(names, pieces, shapes)}
        return loss(torch.func.functional_call(model, params, (x,)), y)

    return torch.autograd.functional.hessian(objective, flat, vectorize=True)


def relative(a, b):
    return abs(a - b) / abs(b)


def check(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(folder, "trace.csv")) as f:
        rows = list(csv.DictReader(f))
    train = config["train"]
    name = train.get("optimizer", "gd")
    loss = eos_models.LOSSES[config["loss"]["name"]]
    model, x, y = eos_models.load_run(folder, "init")
    names = list(model.state_dict().keys())
    parameters = list(model.parameters())
    assert names == [n for n, _ in model.named_parameters()], "state_dict order must be the parameters' order"
    optimizer = optimizer_of(train, parameters)
    steps = train["steps"]
    for _ in range(steps):
        optimizer.zero_grad()
        loss(model(x), y).backward()
        optimizer.step()

    final = load_file(os.path.join(folder, "params-final.safetensors"))
    ours = torch.cat([final[n].to(torch.float64).reshape(-1) for n in names])
    theirs = torch.cat([p.detach().reshape(-1) for p in parameters])
    error = ((theirs - ours).norm() / ours.norm()).item()
    ok = error <= THETA_TOLERANCE
    label = f"{name} lr {train['lr']} ({os.path.basename(folder)})"
    print(f"{'ok' if ok else 'FAIL'} {label}: θ after {steps} steps, relative error {error:.2e} against torch.optim")

    last = rows[-1]
    if int(last["step"]) == steps and last["sharpness"]:
        optimizer.zero_grad()
        loss(model(x), y).backward()
        gradient = torch.cat([p.grad.reshape(-1) for p in parameters])
        hessian = dense_hessian(model, loss, x, y, names)
        top = torch.linalg.eigvalsh(hessian)[-1].item()
        e = relative(float(last["sharpness"]), top)
        good = e <= SHARPNESS_TOLERANCE
        ok &= good
        print(f"{'ok' if good else 'FAIL'} {label}: sharpness at step {steps} {last['sharpness']} vs dense {top!r} ({e:.1e})")
        if name in ("rmsprop", "adam"):
            scale = preconditioner(train, optimizer, parameters, gradient, steps).rsqrt()
            top = torch.linalg.eigvalsh(scale[:, None] * hessian * scale[None, :])[-1].item()
            e = relative(float(last["preconditioned_sharpness"]), top)
            good = e <= SHARPNESS_TOLERANCE
            ok &= good
            print(
                f"{'ok' if good else 'FAIL'} {label}: preconditioned sharpness {last['preconditioned_sharpness']} "
                f"vs dense {top!r} ({e:.1e})"
            )
    return ok


def main(folders):
    if not folders:
        raise SystemExit("usage: torch_optimizers.py RUN_DIR...")
    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)  # small matrices: threads only contend (a 610² eigvalsh takes seconds on a loaded machine)
    ok = all([check(folder) for folder in folders])
    print("ok" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
