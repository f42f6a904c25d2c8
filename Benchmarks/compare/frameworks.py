"""Times the engine's operations in PyTorch and JAX on the same shapes, and prints our/their ratios.

Usage: python frameworks.py OURS.jsonl [--quick]
OURS.jsonl is the output of `eos-compare` (one JSON object per shape, precision and operation:
our median seconds, GEMM FLOPs, measured GEMM rate, and the GEMM list of the operation).

Each framework runs the same math on the same shapes with its idiomatic fast path:
- loss: tanh MLP, or the CNN Conv2d(c, w, 3, padding=1) → tanh → AvgPool2d(2) (× depth) → flatten →
  Linear (NCHW; JAX with lax.conv_general_dilated); MSE ½·mean_i ‖f(x_i) − y_i‖², X ~ N(0, 1),
  one-hot random labels, PyTorch init; or the transformer of python/eos_models.py (PyTorch: that
  module, through torch.func.functional_call where θ is one flat tensor; JAX: a jax.numpy port of
  its forward), token ids uniform in 0..<vocab, one output, random ±1 targets, its init (embedding
  and positions N(0, 1), Linear U(±1/√fan_in), LayerNorm 1 and 0; docs/ARCHITECTURES.md), with the
  logistic loss mean_i log(1 + exp(−y_i f(x_i))) as eos-compare's row says (`loss`);
- gradient: torch nn.Sequential + loss.backward(); jax.jit(jax.grad(f));
- HVP at a cached point: torch double backward through a retained create_graph gradient;
  jax.linearize(jax.grad(f), θ), its linear map passed to one jitted apply;
- HVP at a fresh point: torch.func.jvp(torch.func.grad(f)); jax.jit(jvp of grad);
- ∇³L[u,u] (with Hu): torch triple backward ∇(u·(H u)); jax.jit(jvp of jvp of grad);
- top-k warm eigen-solve (MLP shapes only): scipy.sparse.linalg.eigsh (ARPACK Lanczos, as Cohen et al.'s code)
  on the cached HVP, v0 = the top eigenvector at θ₀, tol = the engine's residual tolerance;
- GD step with sharpness every 10 steps: 10 updates (torch SGD in place; jitted JAX step) + one
  warm top-1 eigsh at the first.
"""
import json
import math
import os
import resource
import statistics
import sys
import time

import numpy as np
import scipy.sparse.linalg as sla
import torch
import jax
import jax.numpy as jnp

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import eos_models  # noqa: E402  (the reference modules, docs/ARCHITECTURES.md)

jax.config.update("jax_enable_x64", True)
QUICK = "--quick" in sys.argv


def measure(body, min_reps=3, min_seconds=2.0):
    body()
    samples, start = [], time.perf_counter()
    while len(samples) < min_reps or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        body()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


SECONDS = 0.3 if QUICK else 2.0
TORCH_DTYPE = {"float32": torch.float32, "float64": torch.float64}
JAX_DTYPE = {"float32": jnp.float32, "float64": jnp.float64}


def parse_sizes(shape):
    # "a:fc-tanh-3072x200x200x10-n5000"
    body = shape.split(":")[1]
    dims, n = body.rsplit("-n", 1)
    return [int(s) for s in dims.split("-")[-1].split("x")], int(n)


class Model:
    """The network of one shape, from eos-compare's row: `arch` "mlp" (sizes s₀ → … → s_L, parsed
    from the shape's name) or "cnn" (input [c, h, w], depth, width, classes), n examples."""

    def __init__(self, shape, row):
        self.arch = row.get("arch", "mlp")
        if self.arch == "transformer":
            self.n, self.depth, self.width, self.classes = row["examples"], row["depth"], row["width"], row["classes"]
            self.heads, self.vocab, self.length = row["heads"], row["vocab"], row["length"]
            self.loss = row.get("loss", "mse")
            self.input = [self.length]
            d = self.width
            # (name, shape, init) in state_dict order: "normal", a fan-in (U(±1/√fan)), "one" or "zero"
            named = [("position", (self.length, d), "normal"), ("embed.weight", (self.vocab, d), "normal")]
            for b in range(self.depth):
                def lin(name, i, o):
                    return [(f"blocks.{b}.{name}.weight", (o, i), i), (f"blocks.{b}.{name}.bias", (o,), i)]
                named += [(f"blocks.{b}.norm1.weight", (d,), "one"), (f"blocks.{b}.norm1.bias", (d,), "zero")]
                named += lin("attn.qkv", d, 3 * d) + lin("attn.proj", d, d)
                named += [(f"blocks.{b}.norm2.weight", (d,), "one"), (f"blocks.{b}.norm2.bias", (d,), "zero")]
                named += lin("fc1", d, 4 * d) + lin("fc2", 4 * d, d)
            named += [("norm.weight", (d,), "one"), ("norm.bias", (d,), "zero"),
                      ("head.weight", (self.classes, d), d), ("head.bias", (self.classes,), d)]
            self.names = [name for name, _, _ in named]
            self.tensors = [(shape, init) for _, shape, init in named]
            self._modules = {}
            return
        self.loss = "mse"
        if self.arch == "mlp":
            self.sizes, self.n = parse_sizes(shape)
            self.input = [self.sizes[0]]
            self.classes = self.sizes[-1]
            # (shape, fan-in) of every state_dict tensor in θ order
            self.tensors = []
            for i, o in zip(self.sizes[:-1], self.sizes[1:]):
                self.tensors += [((o, i), i), ((o,), i)]
        else:
            c, h, w = row["input"]
            self.n, self.depth, self.width, self.classes = row["examples"], row["depth"], row["width"], row["classes"]
            self.input = [c, h, w]
            self.tensors = []
            for _ in range(self.depth):
                self.tensors += [((self.width, c, 3, 3), c * 9), ((self.width,), c * 9)]
                c, h, w = self.width, h // 2, w // 2
            self.tensors += [((self.classes, c * h * w), c * h * w), ((self.classes,), c * h * w)]

    def init_theta(self, rng):
        def draw(shape, init):
            size = int(np.prod(shape))
            if init == "normal":
                return rng.standard_normal(size)
            if init == "one":
                return np.ones(size)
            if init == "zero":
                return np.zeros(size)
            return rng.uniform(-1 / np.sqrt(init), 1 / np.sqrt(init), size=size)
        return np.concatenate([draw(shape, init) for shape, init in self.tensors])

    def data(self, rng):
        """X and the float targets Y as numpy arrays (X: token ids for the transformer)."""
        if self.arch == "transformer":
            X = rng.integers(0, self.vocab, (self.n, self.length))
            return X, rng.choice([-1.0, 1.0], (self.n, 1))
        X = rng.standard_normal((self.n, *self.input))
        return X, np.eye(self.classes)[rng.integers(0, self.classes, self.n)]

    def unflatten(self, theta):
        out, off = [], 0
        for shape, _ in self.tensors:
            size = int(np.prod(shape))
            out.append(theta[off:off + size].reshape(shape))
            off += size
        return out

    def torch_loss(self, out, Y):
        if self.loss == "logistic":  # eos_models.LOSSES["logistic"]
            return torch.logaddexp(torch.zeros_like(out), -Y * out).sum() / self.n
        return 0.5 * ((out - Y) ** 2).sum() / self.n

    def jax_loss(self, out, Y):
        if self.loss == "logistic":
            return jnp.sum(jnp.logaddexp(0.0, -Y * out)) / self.n
        return 0.5 * jnp.sum((out - Y) ** 2) / self.n

    def torch_module(self, dt):
        if self.arch == "transformer":
            if dt not in self._modules:
                self._modules[dt] = eos_models.Transformer(self.vocab, self.length, self.width, self.depth, self.heads,
                                                           self.classes, torch.nn.Tanh).to(dt)
            return self._modules[dt]
        if self.arch == "mlp":
            layers = []
            for l, (i, o) in enumerate(zip(self.sizes[:-1], self.sizes[1:])):
                layers += [torch.nn.Linear(i, o)] + ([torch.nn.Tanh()] if l < len(self.sizes) - 2 else [])
        else:
            layers, c = [], self.input[0]
            for _ in range(self.depth):
                layers += [torch.nn.Conv2d(c, self.width, 3, padding=1), torch.nn.Tanh(), torch.nn.AvgPool2d(2)]
                c = self.width
            layers += [torch.nn.Flatten(), torch.nn.Linear(self.tensors[-1][1], self.classes)]
        return torch.nn.Sequential(*layers).to(dt)

    def torch_forward(self, theta, X):
        p = self.unflatten(theta)
        a = X
        if self.arch == "transformer":
            return torch.func.functional_call(self.torch_module(theta.dtype), dict(zip(self.names, p)), (X,))
        if self.arch == "mlp":
            for l in range(len(p) // 2):
                a = torch.nn.functional.linear(a, p[2 * l], p[2 * l + 1])
                if l < len(p) // 2 - 1:
                    a = torch.tanh(a)
            return a
        for l in range(self.depth):
            a = torch.nn.functional.avg_pool2d(torch.tanh(torch.nn.functional.conv2d(a, p[2 * l], p[2 * l + 1], padding=1)), 2)
        return torch.nn.functional.linear(a.flatten(1), p[-2], p[-1])

    def jax_forward(self, theta, X):
        p = self.unflatten(theta)
        a = X
        if self.arch == "transformer":
            return self.jax_transformer(dict(zip(self.names, p)), X)
        if self.arch == "mlp":
            for l in range(len(p) // 2):
                a = a @ p[2 * l].T + p[2 * l + 1]
                if l < len(p) // 2 - 1:
                    a = jnp.tanh(a)
            return a
        for l in range(self.depth):
            z = jax.lax.conv_general_dilated(a, p[2 * l], (1, 1), ((1, 1), (1, 1)),
                                             dimension_numbers=("NCHW", "OIHW", "NCHW"))
            a = jnp.tanh(z + p[2 * l + 1][None, :, None, None])
            n, c, h, w = a.shape
            a = a.reshape(n, c, h // 2, 2, w // 2, 2).mean(axis=(3, 5))
        return a.reshape(a.shape[0], -1) @ p[-2].T + p[-1]


def _jax_transformer(self, p, X):
    """eos_models.Transformer's forward in jax.numpy, step by step (tanh MLP activation)."""
    def layer_norm(x, name):
        m = x.mean(-1, keepdims=True)
        v = ((x - m) ** 2).mean(-1, keepdims=True)
        return (x - m) / jnp.sqrt(v + 1e-5) * p[f"{name}.weight"] + p[f"{name}.bias"]

    def linear(x, name):
        return x @ p[f"{name}.weight"].T + p[f"{name}.bias"]

    d, heads = self.width, self.heads
    h = p["embed.weight"][X] + p["position"]
    n, T, _ = h.shape
    for b in range(self.depth):
        q, k, v = linear(layer_norm(h, f"blocks.{b}.norm1"), f"blocks.{b}.attn.qkv").reshape(
            n, T, 3, heads, d // heads).transpose(2, 0, 3, 1, 4)
        a = jax.nn.softmax(q @ jnp.swapaxes(k, -1, -2) / math.sqrt(d // heads), axis=-1)
        h = h + linear((a @ v).transpose(0, 2, 1, 3).reshape(n, T, d), f"blocks.{b}.attn.proj")
        y = jnp.tanh(linear(layer_norm(h, f"blocks.{b}.norm2"), f"blocks.{b}.fc1"))
        h = h + linear(y, f"blocks.{b}.fc2")
    return linear(layer_norm(h, "norm").mean(1), "head")


Model.jax_transformer = _jax_transformer


def torch_results(model, precision, ours):
    dt = TORCH_DTYPE[precision]
    rng = np.random.default_rng(1)
    n = model.n
    X, Y = model.data(rng)
    X = torch.tensor(X) if model.arch == "transformer" else torch.tensor(X, dtype=dt)
    Y = torch.tensor(Y, dtype=dt)
    theta0 = torch.tensor(model.init_theta(rng), dtype=dt)
    u = torch.tensor(rng.standard_normal(theta0.numel()), dtype=dt)
    u /= u.norm()

    def f(theta):
        return model.torch_loss(model.torch_forward(theta, X), Y)

    net = model.torch_module(dt)
    torch.nn.utils.vector_to_parameters(theta0, net.parameters())
    params = list(net.parameters())

    def gradient():
        for p in params:
            p.grad = None
        loss = model.torch_loss(net(X), Y)
        loss.backward()

    r = {"gradient": measure(gradient, min_seconds=SECONDS)}

    def third(th, gg=None):
        gg = torch.autograd.grad(f(th), th, create_graph=True)[0] if gg is None else gg
        hu = torch.autograd.grad(gg, th, u, create_graph=True, retain_graph=True)[0]
        return hu, torch.autograd.grad(hu, th, u, retain_graph=True)[0]

    # The operations at a fresh θ first, then those on the graph kept at θ₀: the CNN's graphs take
    # gigabytes each, so no two are alive at once.
    r["hvp_fresh"] = measure(lambda: torch.func.jvp(torch.func.grad(f), (theta0,), (u,))[1], min_seconds=SECONDS)
    r["third_fresh"] = measure(lambda: third(theta0.clone().requires_grad_(True)), min_seconds=SECONDS)

    theta = theta0.clone().requires_grad_(True)
    g = torch.autograd.grad(f(theta), theta, create_graph=True)[0]

    def hvp_cached(v):
        return torch.autograd.grad(g, theta, v, retain_graph=True)[0]

    r["hvp"] = measure(lambda: hvp_cached(u), min_seconds=SECONDS)
    r["third"] = measure(lambda: third(theta, g), min_seconds=SECONDS)

    def operator(hvp, dim):
        return sla.LinearOperator((dim, dim), dtype=np.float64 if precision == "float64" else np.float32,
                                  matvec=lambda v: hvp(torch.from_numpy(np.ascontiguousarray(v).reshape(-1).astype(v.dtype))).numpy())

    # Warm start: the top eigenvector at θ₀; the timed solves are at θ₁ = θ₀ − η∇L(θ₀).
    dim = theta0.numel()
    _, v_start = sla.eigsh(operator(hvp_cached, dim), k=1, which="LA", tol=1e-3)
    with torch.no_grad():
        theta1 = (theta - 0.01 * g).detach().requires_grad_(True)
    del g, hvp_cached
    if "eigen_top1" in ours or "eigen_top3" in ours:
        g1 = torch.autograd.grad(f(theta1), theta1, create_graph=True)[0]
        op1 = operator(lambda v: torch.autograd.grad(g1, theta1, v, retain_graph=True)[0], dim)
        for k in (1, 3):
            tol = ours[f"eigen_top{k}"]["tolerance"]
            r[f"eigen_top{k}"] = measure(lambda: sla.eigsh(op1, k=k, which="LA", tol=tol, v0=v_start[:, 0]),
                                         min_reps=2, min_seconds=SECONDS)
        del g1, op1
    gd_tol = ours["gd_step_sharpness_every_10"]["tolerance"]

    def ten_steps():
        gd_theta = theta0.clone().requires_grad_(True)
        gg = torch.autograd.grad(f(gd_theta), gd_theta, create_graph=True)[0]
        op = operator(lambda v: torch.autograd.grad(gg, gd_theta, v, retain_graph=True)[0], dim)
        sla.eigsh(op, k=1, which="LA", tol=gd_tol, v0=v_start[:, 0])
        with torch.no_grad():
            for p in params:
                p.grad = None
        for _ in range(9):
            gradient()
            with torch.no_grad():
                for p in params:
                    p -= 0.01 * p.grad
    r["gd_step_sharpness_every_10"] = measure(ten_steps, min_reps=2, min_seconds=SECONDS) / 10
    return r


def jax_results(model, precision, ours):
    dt = JAX_DTYPE[precision]
    rng = np.random.default_rng(1)
    n = model.n
    X, Y = model.data(rng)
    X = jnp.asarray(X) if model.arch == "transformer" else jnp.asarray(X, dtype=dt)
    Y = jnp.asarray(Y, dtype=dt)
    theta0 = jnp.asarray(model.init_theta(rng), dtype=dt)
    u = jnp.asarray(rng.standard_normal(theta0.size), dtype=dt)
    u = u / jnp.linalg.norm(u)

    def f(theta):
        return model.jax_loss(model.jax_forward(theta, X), Y)

    grad = jax.jit(jax.grad(f))
    r = {"gradient": measure(lambda: grad(theta0).block_until_ready(), min_seconds=SECONDS)}
    hvp_fresh = jax.jit(lambda th, v: jax.jvp(jax.grad(f), (th,), (v,))[1])
    r["hvp_fresh"] = measure(lambda: hvp_fresh(theta0, u).block_until_ready(), min_seconds=SECONDS)
    third = jax.jit(lambda th, v: jax.jvp(lambda t: jax.jvp(jax.grad(f), (t,), (v,))[1], (th,), (v,)))
    r["third_fresh"] = measure(lambda: jax.block_until_ready(third(theta0, u)), min_seconds=SECONDS)
    r["third"] = r["third_fresh"]  # JAX keeps no state between calls: the cached case is the fresh one
    # The cached HVP: jax.linearize's map (a jax.tree_util.Partial holding the residuals) passed
    # as an argument to one jitted apply, so that its residuals are not compiled in as constants
    # (5 MB per example on the CNN) and every solve reuses one executable.
    apply = jax.jit(lambda linear, v: linear(v))
    _, lin = jax.linearize(jax.grad(f), theta0)
    r["hvp"] = measure(lambda: apply(lin, u).block_until_ready(), min_seconds=SECONDS)

    dim = theta0.size
    np_dt = np.float64 if precision == "float64" else np.float32

    def operator(linear):
        return sla.LinearOperator((dim, dim), dtype=np_dt,
                                  matvec=lambda v: np.asarray(apply(linear, jnp.asarray(v.reshape(-1), dtype=dt))))

    _, v_start = sla.eigsh(operator(lin), k=1, which="LA", tol=1e-3)
    del lin
    if "eigen_top1" in ours or "eigen_top3" in ours:
        theta1 = theta0 - 0.01 * grad(theta0)
        _, lin1 = jax.linearize(jax.grad(f), theta1)
        op1 = operator(lin1)
        for k in (1, 3):
            tol = ours[f"eigen_top{k}"]["tolerance"]
            r[f"eigen_top{k}"] = measure(lambda: sla.eigsh(op1, k=k, which="LA", tol=tol, v0=v_start[:, 0]),
                                         min_reps=2, min_seconds=SECONDS)
        del lin1, op1
    gd_tol = ours["gd_step_sharpness_every_10"]["tolerance"]
    step = jax.jit(lambda th: th - 0.01 * jax.grad(f)(th))

    def ten_steps():
        th = theta0
        _, lin_t = jax.linearize(jax.grad(f), th)
        sla.eigsh(operator(lin_t), k=1, which="LA", tol=gd_tol, v0=v_start[:, 0])
        for _ in range(10):
            th = step(th)
        th.block_until_ready()
    r["gd_step_sharpness_every_10"] = measure(ten_steps, min_reps=2, min_seconds=SECONDS) / 10
    return r


def torch_gemm_seconds(gemms, precision, seconds=SECONDS / 2):
    dt = TORCH_DTYPE[precision]
    mats, operands = [], {}  # one pair of operands per distinct product (a CNN lists hundreds of chunks)
    for m, nn, k, ta, tb in gemms:
        if (m, nn, k, ta, tb) not in operands:
            a = torch.randn(k, m, dtype=dt).t() if ta else torch.randn(m, k, dtype=dt)
            b = torch.randn(nn, k, dtype=dt).t() if tb else torch.randn(k, nn, dtype=dt)
            operands[(m, nn, k, ta, tb)] = (a, b)
        mats.append(operands[(m, nn, k, ta, tb)])
    return measure(lambda: [torch.mm(a, b) for a, b in mats], min_seconds=seconds)


def torch_gemm_each_seconds(gemms, precision):
    """torch.mm time of each product alone, as eos-compare's gemm_each_seconds."""
    return [torch_gemm_seconds([g], precision, seconds=SECONDS / 10) for g in gemms]


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
    groups, memory = {}, [row for row in rows if row.get("memory")]
    for row in rows:
        if "op" not in row:  # eos-compare --memory lines
            continue
        groups.setdefault((row["shape"], row["precision"]), {})[row["op"]] = row
    print(f"torch {torch.__version__} ({torch.get_num_threads()} threads), jax {jax.__version__}, "
          f"devices {jax.devices()}")
    print(f"{'shape':<34} {'prec':<8} {'operation':<28} {'ours ms':>9} {'torch ms':>9} {'jax ms':>9} "
          f"{'/torch':>7} {'/jax':>7} {'/best':>7} {'floor ms':>9} {'/floor':>7} {'GEMM/MKL':>8}")
    for (shape, precision), ours in groups.items():
        model = Model(shape, ours["gradient"])
        t = torch_results(model, precision, ours)
        j = jax_results(model, precision, ours)
        gemm_ratio = None
        if ours["gradient"]["gemms"]:
            gemm_ratio = ours["gradient"]["gemm_only_seconds"] / torch_gemm_seconds(ours["gradient"]["gemms"], precision)
        for op, row in ours.items():
            s = row["seconds"]
            best = min(t[op], j[op])
            floor = row["floor_seconds"]
            line = (f"{shape:<34} {precision:<8} {op:<28} {s * 1e3:9.2f} {t[op] * 1e3:9.2f} {j[op] * 1e3:9.2f} "
                    f"{s / t[op]:7.2f} {s / j[op]:7.2f} {s / best:7.2f} {floor * 1e3:9.2f} {s / floor:7.2f}")
            if op == "gradient" and gemm_ratio is not None:
                line += f" {gemm_ratio:8.2f}"
            print(line, flush=True)
            if op == "gradient" and "gemm_each_seconds" in row:
                theirs = torch_gemm_each_seconds(row["gemms"], precision)
                for (m, nn, k, ta, tb), mine, other in zip(row["gemms"], row["gemm_each_seconds"], theirs):
                    layout = ("T" if ta else "N") + ("T" if tb else "N")
                    print(f"{'':34} {'':8}   product [{m}x{k}]·[{k}x{nn}] {layout}: ours {mine * 1e3:8.3f} ms "
                          f"({2 * m * nn * k / mine / 1e9:5.0f} GFLOP/s), torch.mm {other * 1e3:8.3f} ms, "
                          f"ratio {mine / other:5.2f}", flush=True)
            print(json.dumps({"shape": shape, "precision": precision, "op": op, "ours": s, "torch": t[op], "jax": j[op],
                              "floor": floor, "gemm_only_ratio": gemm_ratio, "applications": row.get("applications"),
                              "ours_gemm_only": row["gemm_only_seconds"],
                              "peak_rss_bytes_so_far": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}),
                  file=sys.stderr)

    for m in memory:
        mb = {k: v / 1e6 for k, v in m.items() if isinstance(v, float)}
        print(f"memory {m['shape']} {m['precision']}: resident peak {mb['peak_after_gd_with_sharpness']:.0f} MB after "
              f"setup and 10 GD steps with sharpness, {mb['peak_after_third']:.0f} MB after one ∇³L[u,u]; budget "
              f"{mb['budget_total']:.0f} MB (parameters {mb['budget_parameters']:.1f} + data {mb['budget_data']:.1f} + "
              f"activations {mb['budget_activations']:.1f} + basis {mb['budget_basis']:.1f}): peak/budget "
              f"{m['peak_after_gd_with_sharpness'] / m['budget_total']:.2f} and {m['peak_after_third'] / m['budget_total']:.2f} "
              f"(target ≤ 2); the loss's own buffers {mb['loss_buffers']:.0f} MB ({mb['loss_buffers_with_third']:.0f} MB with ∇³L)")


if __name__ == "__main__":
    main()
