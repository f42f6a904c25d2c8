"""The PyTorch oracle of OracleTests: L, ∇L, ∇²L·u and ∇³L[u, u] in float64 by autograd.

    python torch_derivatives.py IN.safetensors OUT.safetensors [IN OUT]...

IN holds the parameters under their state_dict names, `__x` [n, c, h, w] (a transformer's: token ids
[n, length], int64 or exact integers in a float type), `__y` [n, k], `__u.<name>` (the direction u,
one tensor per parameter), and in its metadata `config`: a JSON object shaped like a run's
config.json ({"model": {"arch", "depth", "width", "pool", "norm", "groups", "heads", "activation"},
"loss": {"name"}, and for a transformer "data": {"vocab", "length"}}). The model is
python/eos_models.py's, loaded with load_state_dict(strict=True).

OUT holds, all F64: `loss` [1], `grad.<name>`, `hvp.<name>`, `third.<name>`; its metadata `order`
is the JSON list of the state_dict names (θ's order) and `init` a JSON object name → the
`pytorch` initialisation of that tensor: ["uniform", 1/√fan_in], ["normal"] (N(0, 1)), ["ones"]
or ["zeros"].

With g = ∇L(θ): hvp = ∇(g·u) = ∇²L·u (double backward) and third = ∇((∇(g·u))·u) = ∇³L[u, u]
(triple backward); the graph is kept (create_graph) through the first two.
"""

import json
import os
import sys

import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import eos_models  # noqa: E402

torch.set_default_dtype(torch.float64)


def _dot(a, b):
    return sum((x * y).sum() for x, y in zip(a, b))


def _grad(output, inputs, create_graph):
    """∇ output with respect to inputs; zeros where output does not depend on an input at all
    (a constant Hessian: its third derivative is 0)."""
    if not output.requires_grad:
        return [torch.zeros_like(p) for p in inputs]
    grads = torch.autograd.grad(output, inputs, create_graph=create_graph, allow_unused=True)
    return [torch.zeros_like(p) if g is None else g for p, g in zip(inputs, grads)]


def derivatives(model, loss, x, y, u):
    """(L, ∇L, ∇²L·u, ∇³L[u, u]) at the model's parameters, each a list in state_dict order;
    u is a list of tensors in that order."""
    names = list(model.state_dict().keys())
    parameters = dict(model.named_parameters())
    assert set(names) == set(parameters), "every state_dict entry must be a parameter (no buffers)"
    theta = [parameters[name] for name in names]
    value = loss(model(x), y)
    g = _grad(value, theta, create_graph=True)
    h = _grad(_dot(g, u), theta, create_graph=True)
    t = _grad(_dot(h, u), theta, create_graph=False)
    return value.detach(), [a.detach() for a in g], [a.detach() for a in h], [a.detach() for a in t]


def initialisation(model):
    """name → the `pytorch` initialisation of each state_dict tensor (docs/THEORY.md §8,
    docs/ARCHITECTURES.md): Conv2d/Linear weight and bias U(±1/√fan_in), fan_in = in_channels·kh·kw;
    GroupNorm and LayerNorm weight 1, bias 0; the transformer's embed.weight and position N(0, 1)."""
    init = {}
    for prefix, module in model.named_modules():
        dot = prefix + "." if prefix else ""
        if isinstance(module, (torch.nn.Conv2d, torch.nn.Linear)):
            bound = 1 / module.weight[0].numel() ** 0.5
            init[dot + "weight"] = ["uniform", bound]
            if module.bias is not None:
                init[dot + "bias"] = ["uniform", bound]
        elif isinstance(module, (torch.nn.GroupNorm, eos_models.LayerNorm)):
            init[dot + "weight"] = ["ones"]
            init[dot + "bias"] = ["zeros"]
        elif isinstance(module, torch.nn.Embedding):
            init[dot + "weight"] = ["normal"]
        elif isinstance(module, eos_models.Transformer):
            init[dot + "position"] = ["normal"]
    return init


def token_ids(x):
    """A transformer's input as int64 ids: int64 as it is, exact integers of a float type converted."""
    if x.is_floating_point():
        ids = x.to(torch.int64)
        if not torch.equal(ids.to(x.dtype), x):
            raise SystemExit("__x: a transformer's inputs must be token ids (integers)")
        return ids
    return x.to(torch.int64)


def run_case(source, target):
    """Reads the input file `source`, writes the derivatives to `target`."""
    from safetensors import safe_open

    with safe_open(source, "pt") as f:
        metadata = f.metadata() or {}
    if "config" not in metadata:
        raise SystemExit(f"{source}: metadata has no `config` (the model and loss as JSON)")
    config = json.loads(metadata["config"])
    tensors = load_file(source)
    x, y = tensors.pop("__x"), tensors.pop("__y").double()
    x = token_ids(x) if config.get("model", {}).get("arch") == "transformer" else x.double()
    u = {name[len("__u."):]: tensors.pop(name).double() for name in list(tensors) if name.startswith("__u.")}
    model = eos_models.build_model(config, x.shape[1:], y.shape[1])
    model.load_state_dict(tensors, strict=True)
    names = list(model.state_dict().keys())
    missing = set(names) ^ set(u)
    if missing:
        raise SystemExit(f"{source}: the direction u does not match the parameters: {sorted(missing)}")
    loss_name = config.get("loss", {}).get("name", "mse")
    if loss_name not in eos_models.LOSSES:
        raise SystemExit(f"{source}: loss.name: unknown loss {loss_name!r}")
    value, g, h, t = derivatives(model, eos_models.LOSSES[loss_name], x, y, [u[name] for name in names])
    out = {"loss": value.reshape(1)}
    for name, a, b, c in zip(names, g, h, t):
        out["grad." + name], out["hvp." + name], out["third." + name] = a.contiguous(), b.contiguous(), c.contiguous()
    save_file(out, target, metadata={"order": json.dumps(names), "init": json.dumps(initialisation(model))})


def main(arguments):
    if len(arguments) == 0 or len(arguments) % 2 != 0:
        raise SystemExit("usage: torch_derivatives.py IN.safetensors OUT.safetensors [IN OUT]...")
    for source, target in zip(arguments[0::2], arguments[1::2]):
        run_case(source, target)


if __name__ == "__main__":
    main(sys.argv[1:])
