"""Times the engine's operations in PyTorch and JAX on the same shapes, and prints our/their ratios.

Usage: python frameworks.py OURS.jsonl [--quick]
OURS.jsonl is the output of `eos-compare` (one JSON object per shape, precision and operation:
our median seconds, GEMM FLOPs, measured GEMM rate, and the GEMM list of the operation).

Each framework runs the same math on the same shapes with its idiomatic fast path:
- loss: tanh MLP, or the CNN Conv2d(c, w, 3, padding=1) → tanh → AvgPool2d(2) (× depth) → flatten →
  Linear (NCHW; JAX with lax.conv_general_dilated); MSE ½·mean_i ‖f(x_i) − y_i‖², X ~ N(0, 1),
  one-hot random labels, PyTorch init;
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
import resource
import statistics
import sys
import time

import numpy as np
import scipy.sparse.linalg as sla
import torch
import jax
import jax.numpy as jnp

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
        return np.concatenate([rng.uniform(-1 / np.sqrt(fan), 1 / np.sqrt(fan), size=int(np.prod(shape)))
                               for shape, fan in self.tensors])

    def unflatten(self, theta):
        out, off = [], 0
        for shape, _ in self.tensors:
            size = int(np.prod(shape))
            out.append(theta[off:off + size].reshape(shape))
            off += size
        return out

    def torch_module(self, dt):
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


def torch_results(model, precision, ours):
    dt = TORCH_DTYPE[precision]
    rng = np.random.default_rng(1)
    n = model.n
    X = torch.tensor(rng.standard_normal((n, *model.input)), dtype=dt)
    Y = torch.nn.functional.one_hot(torch.tensor(rng.integers(0, model.classes, n)), model.classes).to(dt)
    theta0 = torch.tensor(model.init_theta(rng), dtype=dt)
    u = torch.tensor(rng.standard_normal(theta0.numel()), dtype=dt)
    u /= u.norm()

    def f(theta):
        return 0.5 * ((model.torch_forward(theta, X) - Y) ** 2).sum() / n

    net = model.torch_module(dt)
    torch.nn.utils.vector_to_parameters(theta0, net.parameters())
    params = list(net.parameters())

    def gradient():
        for p in params:
            p.grad = None
        loss = 0.5 * ((net(X) - Y) ** 2).sum() / n
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
    X = jnp.asarray(rng.standard_normal((n, *model.input)), dtype=dt)
    Y = jax.nn.one_hot(jnp.asarray(rng.integers(0, model.classes, n)), model.classes, dtype=dt)
    theta0 = jnp.asarray(model.init_theta(rng), dtype=dt)
    u = jnp.asarray(rng.standard_normal(theta0.size), dtype=dt)
    u = u / jnp.linalg.norm(u)

    def f(theta):
        return 0.5 * jnp.sum((model.jax_forward(theta, X) - Y) ** 2) / n

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
