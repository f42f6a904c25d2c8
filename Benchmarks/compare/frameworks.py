"""Times the engine's operations in PyTorch and JAX on the same shapes, and prints our/their ratios.

Usage: python frameworks.py OURS.jsonl [--quick]
OURS.jsonl is the output of `eos-compare` (one JSON object per shape, precision and operation:
our median seconds, GEMM FLOPs, measured GEMM rate, and the GEMM list of the operation).

Each framework runs the same math on the same shapes with its idiomatic fast path:
- loss: tanh MLP, MSE ½·mean_i ‖f(x_i) − y_i‖², X ~ N(0, 1), one-hot random labels, PyTorch init;
- gradient: torch nn.Sequential + loss.backward(); jax.jit(jax.grad(f));
- HVP at a cached point: torch double backward through a retained create_graph gradient;
  jax.linearize(jax.grad(f), θ) then the jitted linear map;
- HVP at a fresh point: torch.func.jvp(torch.func.grad(f)); jax.jit(jvp of grad);
- ∇³L[u,u] (with Hu): torch triple backward ∇(u·(H u)); jax.jit(jvp of jvp of grad);
- top-k warm eigen-solve: scipy.sparse.linalg.eigsh (ARPACK Lanczos, as Cohen et al.'s code)
  on the cached HVP, v0 = the top eigenvector at θ₀, tol = the engine's residual tolerance;
- GD step with sharpness every 10 steps: 10 updates (torch SGD in place; jitted JAX step) + one
  warm top-1 eigsh at the first.
"""
import json
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


def init_theta(sizes, rng):
    parts = []
    for i, o in zip(sizes[:-1], sizes[1:]):
        b = 1 / np.sqrt(i)
        parts += [rng.uniform(-b, b, size=o * i), rng.uniform(-b, b, size=o)]
    return np.concatenate(parts)


def slices(sizes):
    out, off = [], 0
    for i, o in zip(sizes[:-1], sizes[1:]):
        out.append((off, off + o * i, off + o * i + o, o, i))
        off += o * i + o
    return out


def torch_results(sizes, n, precision, ours):
    dt = TORCH_DTYPE[precision]
    rng = np.random.default_rng(1)
    X = torch.tensor(rng.standard_normal((n, sizes[0])), dtype=dt)
    Y = torch.nn.functional.one_hot(torch.tensor(rng.integers(0, sizes[-1], n)), sizes[-1]).to(dt)
    theta0 = torch.tensor(init_theta(sizes, rng), dtype=dt)
    u = torch.tensor(rng.standard_normal(theta0.numel()), dtype=dt)
    u /= u.norm()
    sl = slices(sizes)

    def f(theta):
        a = X
        for l, (w0, b0, b1, o, i) in enumerate(sl):
            a = torch.nn.functional.linear(a, theta[w0:b0].view(o, i), theta[b0:b1])
            if l < len(sl) - 1:
                a = torch.tanh(a)
        return 0.5 * ((a - Y) ** 2).sum() / n

    layers = []
    for l, (w0, b0, b1, o, i) in enumerate(sl):
        lin = torch.nn.Linear(i, o).to(dt)
        with torch.no_grad():
            lin.weight.copy_(theta0[w0:b0].view(o, i)); lin.bias.copy_(theta0[b0:b1])
        layers += [lin] + ([torch.nn.Tanh()] if l < len(sl) - 1 else [])
    model = torch.nn.Sequential(*layers)
    params = list(model.parameters())

    def gradient():
        for p in params:
            p.grad = None
        loss = 0.5 * ((model(X) - Y) ** 2).sum() / n
        loss.backward()

    r = {"gradient": measure(gradient, min_seconds=SECONDS)}

    theta = theta0.clone().requires_grad_(True)
    g = torch.autograd.grad(f(theta), theta, create_graph=True)[0]

    def hvp_cached(v):
        return torch.autograd.grad(g, theta, v, retain_graph=True)[0]

    r["hvp"] = measure(lambda: hvp_cached(u), min_seconds=SECONDS)
    r["hvp_fresh"] = measure(lambda: torch.func.jvp(torch.func.grad(f), (theta0,), (u,))[1], min_seconds=SECONDS)

    def third(th):
        gg = torch.autograd.grad(f(th), th, create_graph=True)[0] if th is not theta else g
        hu = torch.autograd.grad(gg, th, u, create_graph=True, retain_graph=True)[0]
        return hu, torch.autograd.grad(hu, th, u, retain_graph=True)[0]

    r["third"] = measure(lambda: third(theta), min_seconds=SECONDS)
    r["third_fresh"] = measure(lambda: third(theta0.clone().requires_grad_(True)), min_seconds=SECONDS)

    def operator(hvp, dim):
        return sla.LinearOperator((dim, dim), dtype=np.float64 if precision == "float64" else np.float32,
                                  matvec=lambda v: hvp(torch.from_numpy(np.ascontiguousarray(v).reshape(-1).astype(v.dtype))).numpy())

    # Warm start: the top eigenvector at θ₀; the timed solve is at θ₁ = θ₀ − η∇L(θ₀).
    dim = theta0.numel()
    _, v_start = sla.eigsh(operator(hvp_cached, dim), k=1, which="LA", tol=1e-3)
    with torch.no_grad():
        theta1 = (theta - 0.01 * g).detach().requires_grad_(True)
    g1 = torch.autograd.grad(f(theta1), theta1, create_graph=True)[0]
    op1 = operator(lambda v: torch.autograd.grad(g1, theta1, v, retain_graph=True)[0], dim)
    for k in (1, 3):
        tol = ours[f"eigen_top{k}"]["tolerance"]
        r[f"eigen_top{k}"] = measure(lambda: sla.eigsh(op1, k=k, which="LA", tol=tol, v0=v_start[:, 0]),
                                     min_reps=2, min_seconds=SECONDS)

    def ten_steps():
        gd_theta = theta0.clone().requires_grad_(True)
        gg = torch.autograd.grad(f(gd_theta), gd_theta, create_graph=True)[0]
        op = operator(lambda v: torch.autograd.grad(gg, gd_theta, v, retain_graph=True)[0], dim)
        sla.eigsh(op, k=1, which="LA", tol=ours["eigen_top1"]["tolerance"], v0=v_start[:, 0])
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


def jax_results(sizes, n, precision, ours):
    dt = JAX_DTYPE[precision]
    rng = np.random.default_rng(1)
    X = jnp.asarray(rng.standard_normal((n, sizes[0])), dtype=dt)
    Y = jax.nn.one_hot(jnp.asarray(rng.integers(0, sizes[-1], n)), sizes[-1], dtype=dt)
    theta0 = jnp.asarray(init_theta(sizes, rng), dtype=dt)
    u = jnp.asarray(rng.standard_normal(theta0.size), dtype=dt)
    u = u / jnp.linalg.norm(u)
    sl = slices(sizes)

    def f(theta):
        a = X
        for l, (w0, b0, b1, o, i) in enumerate(sl):
            a = a @ theta[w0:b0].reshape(o, i).T + theta[b0:b1]
            if l < len(sl) - 1:
                a = jnp.tanh(a)
        return 0.5 * jnp.sum((a - Y) ** 2) / n

    grad = jax.jit(jax.grad(f))
    r = {"gradient": measure(lambda: grad(theta0).block_until_ready(), min_seconds=SECONDS)}
    _, lin = jax.linearize(jax.grad(f), theta0)
    hvp_cached = jax.jit(lin)
    r["hvp"] = measure(lambda: hvp_cached(u).block_until_ready(), min_seconds=SECONDS)
    hvp_fresh = jax.jit(lambda th, v: jax.jvp(jax.grad(f), (th,), (v,))[1])
    r["hvp_fresh"] = measure(lambda: hvp_fresh(theta0, u).block_until_ready(), min_seconds=SECONDS)
    third = jax.jit(lambda th, v: jax.jvp(lambda t: jax.jvp(jax.grad(f), (t,), (v,))[1], (th,), (v,)))
    r["third_fresh"] = measure(lambda: jax.block_until_ready(third(theta0, u)), min_seconds=SECONDS)
    r["third"] = r["third_fresh"]  # JAX keeps no state between calls: the cached case is the fresh one

    dim = theta0.size
    np_dt = np.float64 if precision == "float64" else np.float32

    def operator(h):
        return sla.LinearOperator((dim, dim), dtype=np_dt, matvec=lambda v: np.asarray(h(jnp.asarray(v.reshape(-1), dtype=dt))))

    _, v_start = sla.eigsh(operator(hvp_cached), k=1, which="LA", tol=1e-3)
    theta1 = theta0 - 0.01 * grad(theta0)
    _, lin1 = jax.linearize(jax.grad(f), theta1)
    op1 = operator(jax.jit(lin1))
    for k in (1, 3):
        tol = ours[f"eigen_top{k}"]["tolerance"]
        r[f"eigen_top{k}"] = measure(lambda: sla.eigsh(op1, k=k, which="LA", tol=tol, v0=v_start[:, 0]),
                                     min_reps=2, min_seconds=SECONDS)
    step = jax.jit(lambda th: th - 0.01 * jax.grad(f)(th))

    def ten_steps():
        th = theta0
        _, lin_t = jax.linearize(jax.grad(f), th)
        sla.eigsh(operator(jax.jit(lin_t)), k=1, which="LA", tol=ours["eigen_top1"]["tolerance"], v0=v_start[:, 0])
        for _ in range(10):
            th = step(th)
        th.block_until_ready()
    r["gd_step_sharpness_every_10"] = measure(ten_steps, min_reps=2, min_seconds=SECONDS) / 10
    return r


def torch_gemm_seconds(gemms, precision, seconds=SECONDS / 2):
    dt = TORCH_DTYPE[precision]
    mats = []
    for m, nn, k, ta, tb in gemms:
        a = torch.randn(k, m, dtype=dt).t() if ta else torch.randn(m, k, dtype=dt)
        b = torch.randn(nn, k, dtype=dt).t() if tb else torch.randn(k, nn, dtype=dt)
        mats.append((a, b))
    return measure(lambda: [torch.mm(a, b) for a, b in mats], min_seconds=seconds)


def torch_gemm_each_seconds(gemms, precision):
    """torch.mm time of each product alone, as eos-compare's gemm_each_seconds."""
    return [torch_gemm_seconds([g], precision, seconds=SECONDS / 10) for g in gemms]


def main():
    rows = [json.loads(line) for line in open(sys.argv[1]) if line.startswith("{")]
    groups = {}
    for row in rows:
        groups.setdefault((row["shape"], row["precision"]), {})[row["op"]] = row
    print(f"torch {torch.__version__} ({torch.get_num_threads()} threads), jax {jax.__version__}, "
          f"devices {jax.devices()}")
    print(f"{'shape':<34} {'prec':<8} {'operation':<28} {'ours ms':>9} {'torch ms':>9} {'jax ms':>9} "
          f"{'/torch':>7} {'/jax':>7} {'/best':>7} {'floor ms':>9} {'/floor':>7} {'GEMM/MKL':>8}")
    for (shape, precision), ours in groups.items():
        sizes, n = parse_sizes(shape)
        t = torch_results(sizes, n, precision, ours)
        j = jax_results(sizes, n, precision, ours)
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
                              "floor": floor, "gemm_only_ratio": gemm_ratio, "applications": row.get("applications")}),
                  file=sys.stderr)


if __name__ == "__main__":
    main()
