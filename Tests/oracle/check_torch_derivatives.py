"""Proves torch_derivatives.py on its own, against finite differences and a numpy loss.

    <venv python> Tests/oracle/check_torch_derivatives.py     # exit 0 and "ok" when every case agrees

Each case writes an input file as OracleTests does (a transformer's: random token ids), runs the
oracle on it, and checks (u with ‖u‖ = 1):
- loss against the formulas of docs/THEORY.md §8 written in numpy;
- ∇L: every coordinate of the tiny MLP, and ∇L·u elsewhere, against central differences of L;
- ∇²L·u against central differences of ∇L (single backward) along u;
- ∇³L[u, u] against central differences of ∇²L·u (the double backward just checked) along u.
Central differences err by O(ε²) (truncation, ~ε²·‖∂³‖) plus O(δ/ε) from rounding (δ ≈ 1e-16);
one Richardson step, (4·D(ε/2) − D(ε))/3, cancels the ε² term and leaves O(ε⁴). With ε = 1e-4:
ε⁴ ≈ 1e-16 and δ/ε ≈ 1e-12, well inside the 1e-7 tolerance, while a wrong formula is off by
O(1); and a step this short rarely crosses a relu, hardtanh or max-pool kink (larger ones did,
on VGG-11). A derivative that is exactly 0 (a linear model's ∇³L) is checked absolutely: the
differences must be below 1e-8.
"""

import json
import os
import sys
import tempfile

import numpy as np
import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_derivatives  # noqa: E402

eos_models = torch_derivatives.eos_models
EPSILON = 1e-4
TOLERANCE = 1e-7


def numpy_loss(name, f, y):
    """docs/THEORY.md §8 in numpy, independently of eos_models.LOSSES."""
    n = f.shape[0]
    if name == "mse":
        return 0.5 * np.sum((f - y) ** 2) / n
    if name == "cat_mse":
        return np.sum((f - y) ** 2) / n
    if name == "ce":
        m = f.max(1, keepdims=True)
        logp = f - m - np.log(np.exp(f - m).sum(1, keepdims=True))
        return -np.mean(logp[np.arange(n), y.argmax(1)])
    if name == "logistic":
        return np.mean(np.log1p(np.exp(-y * f)))
    raise ValueError(name)


def targets(loss, n, k, generator):
    if loss == "ce" or (loss in ("mse", "cat_mse") and k > 1):
        return torch.nn.functional.one_hot(torch.randint(0, k, (n,), generator=generator), k).double()
    if loss == "logistic":
        return torch.randint(0, 2, (n, 1), generator=generator).double() * 2 - 1
    return torch.randn(n, k, generator=generator)


def check(label, ours, theirs):
    if ours.norm() == 0:
        error, good, kind = theirs.norm(), theirs.norm() <= 1e-8, "absolute"
    else:
        error = (ours - theirs).norm() / theirs.norm()
        good, kind = error <= TOLERANCE, "relative"
    print(f"  {'ok' if good else 'FAIL'} {label}: {kind} error {error:.2e}")
    return bool(good)


def run(config, shape, n, classes, seed, folder):
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    model = eos_models.build_model(config, shape, classes)
    transformer = config["model"]["arch"] == "transformer"
    if transformer:
        with torch.no_grad():  # N(0, 1) as eos draws it, not the module's zeros
            model.position.normal_(generator=generator)
    names = list(model.state_dict().keys())
    state = model.state_dict()
    if transformer:
        x = torch.randint(0, config["data"]["vocab"], (n, *shape), generator=generator)
    else:
        x = torch.randn(n, *shape, generator=generator)
    y = targets(config["loss"]["name"], n, classes, generator)
    u = {name: torch.randn(state[name].shape, generator=generator) for name in names}
    norm = torch.sqrt(sum((v**2).sum() for v in u.values()))
    u = {name: v / norm for name, v in u.items()}
    source, target = os.path.join(folder, "in.safetensors"), os.path.join(folder, "out.safetensors")
    tensors = {name: state[name].contiguous() for name in names}
    tensors.update({"__x": x, "__y": y, **{"__u." + name: u[name] for name in names}})
    save_file(tensors, source, metadata={"config": json.dumps(config)})
    torch_derivatives.main([source, target])
    out = load_file(target)

    loss = eos_models.LOSSES[config["loss"]["name"]]
    theta0 = torch.cat([state[name].reshape(-1) for name in names])
    u_flat = torch.cat([u[name].reshape(-1) for name in names])
    sizes = [state[name].numel() for name in names]

    def at(theta):
        """(L, ∇L) at flat θ by one plain backward."""
        model.load_state_dict(dict(zip(names, (p.reshape(state[k].shape) for k, p in zip(names, theta.split(sizes))))))
        params = dict(model.named_parameters())
        value = loss(model(x), y)
        grads = torch.autograd.grad(value, [params[k] for k in names])
        return value.detach(), torch.cat([g.reshape(-1) for g in grads])

    def hvp_at(theta):
        """∇²L·u at flat θ by the oracle's double backward."""
        model.load_state_dict(dict(zip(names, (p.reshape(state[k].shape) for k, p in zip(names, theta.split(sizes))))))
        _, _, h, _ = torch_derivatives.derivatives(model, loss, x, y, [u[name] for name in names])
        return torch.cat([a.reshape(-1) for a in h])

    def flat(prefix):
        return torch.cat([out[prefix + name].reshape(-1) for name in names])

    def richardson(difference):
        return (4 * difference(EPSILON / 2) - difference(EPSILON)) / 3

    value0, _ = at(theta0)
    f = model(x).detach().numpy()
    ok = check("loss vs this process", out["loss"], value0.reshape(1))
    ok &= check("loss vs numpy", out["loss"], torch.tensor([numpy_loss(config["loss"]["name"], f, y.numpy())]))
    if theta0.numel() <= 64:
        coordinates = torch.eye(theta0.numel())

        def partial(e):
            return torch.stack([(at(theta0 + e * c)[0] - at(theta0 - e * c)[0]) / (2 * e) for c in coordinates])

        ok &= check("gradient (every coordinate)", flat("grad."), richardson(partial))
    else:
        ok &= check(
            "gradient along u",
            (flat("grad.") @ u_flat).reshape(1),
            richardson(lambda e: (at(theta0 + e * u_flat)[0] - at(theta0 - e * u_flat)[0]).reshape(1) / (2 * e)),
        )
    ok &= check("hvp", flat("hvp."), richardson(lambda e: (at(theta0 + e * u_flat)[1] - at(theta0 - e * u_flat)[1]) / (2 * e)))
    ok &= check(
        "third",
        flat("third."),
        richardson(lambda e: (hvp_at(theta0 + e * u_flat) - hvp_at(theta0 - e * u_flat)) / (2 * e)),
    )
    return ok


CASES = [
    # (model table, input shape, n, classes, losses)
    ({"arch": "mlp", "depth": 2, "width": 3, "activation": "tanh"}, (1, 2, 2), 5, 2, ["mse", "cat_mse", "ce"]),
    ({"arch": "mlp", "depth": 1, "width": 4, "activation": "softplus"}, (1, 1, 3), 6, 1, ["logistic", "mse"]),
    ({"arch": "mlp", "depth": 0, "width": 4, "activation": "tanh"}, (1, 1, 3), 6, 2, ["mse"]),
    ({"arch": "cnn", "depth": 2, "width": 3, "pool": "avg", "norm": "group", "groups": 3, "activation": "gelu"},
     (2, 4, 4), 3, 3, ["ce"]),
    ({"arch": "cnn", "depth": 1, "width": 2, "pool": "max", "norm": "layer", "activation": "elu"}, (1, 4, 4), 3, 2, ["mse"]),
    ({"arch": "cnn", "depth": 1, "width": 2, "pool": "max", "norm": "none", "activation": "relu"}, (1, 4, 4), 3, 2, ["ce"]),
    ({"arch": "resnet", "depth": 1, "width": 2, "norm": "group", "groups": 2, "activation": "swish"}, (1, 4, 4), 2, 2, ["mse"]),
    ({"arch": "resnet", "depth": 1, "width": 2, "norm": "none", "activation": "tanh"}, (2, 4, 4), 2, 1, ["logistic"]),
    ({"arch": "vgg", "depth": 11, "width": 1, "norm": "group", "groups": 1, "activation": "hardtanh"}, (1, 32, 32), 2, 2,
     ["cat_mse"]),
    ({"arch": "mlp", "depth": 2, "width": 3, "activation": "linear"}, (1, 1, 3), 4, 2, ["mse"]),
    # The transformer: input shape (length,), token ids in [0, vocab) (data.vocab, data.length).
    ({"arch": "transformer", "depth": 1, "width": 4, "heads": 2, "activation": "gelu"}, (3,), 3, 1, ["logistic", "mse"]),
    ({"arch": "transformer", "depth": 2, "width": 4, "heads": 1, "activation": "tanh"}, (4,), 2, 2, ["mse"]),
    ({"arch": "transformer", "depth": 1, "width": 8, "heads": 4, "activation": "relu"}, (5,), 2, 1, ["logistic"]),
]

# data.vocab of each transformer case (the length is its input shape).
VOCAB = 6


def main():
    ok = True
    with tempfile.TemporaryDirectory() as folder:
        for seed, (model, shape, n, classes, losses) in enumerate(CASES):
            for loss in losses:
                config = {"model": model, "loss": {"name": loss}}
                if model["arch"] == "transformer":
                    config["data"] = {"name": "tokens", "vocab": VOCAB, "length": shape[0]}
                print(f"{model['arch']} {json.dumps(model)} loss {loss}")
                ok &= run(config, shape, n, classes, seed, folder)
    print("ok" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
