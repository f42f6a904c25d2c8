"""eos's architectures as PyTorch modules (docs/CONFIGURATION.md §2.2), to load any run's parameters.

    from eos_models import LOSSES, load_run          # PYTHONPATH=<repo>/python; needs torch, safetensors
    model, x, y = load_run("runs/my-run", "final")   # float64 module with θ loaded, x [n, c, h, w], y [n, k]
    loss = LOSSES["mse"](model(x), y)                # the run's loss.name, as eos computes it

A transformer run (data.name = "tokens") gives x as int64 token ids [n, length].
"""

import json
import math
import os

import torch
from torch import nn

__all__ = [
    "MLP", "CNN", "VGG", "PLANS", "Block", "ResNet", "LayerNorm", "Attention", "EncoderBlock", "Transformer",
    "ACTIVATIONS", "LOSSES", "activation", "normalization", "input_shape", "build_model", "load_run",
]

# model.activation → module factory (docs/THEORY.md §8). softplus is log(1 + eˣ) with no cut-off.
ACTIVATIONS = {
    "tanh": nn.Tanh,
    "relu": nn.ReLU,
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "softplus": lambda: nn.Softplus(threshold=1e9),
    "swish": nn.SiLU,
    "hardtanh": nn.Hardtanh,
    "linear": nn.Identity,
}


# loss.name → L(f, y) over the batch, f and y [n, k] (docs/THEORY.md §8).
LOSSES = {
    "mse": lambda f, y: 0.5 * ((f - y) ** 2).sum(1).mean(),  # ½·mean_i ‖f_i − y_i‖²
    "cat_mse": lambda f, y: ((f - y) ** 2).sum(1).mean(),  # mean_i ‖f_i − y_i‖²
    # mean_i −log softmax(f_i)[label_i], label_i = argmax y_i (the first maximum): one-hot targets
    "ce": lambda f, y: nn.functional.cross_entropy(f, y.argmax(1)),
    # mean_i log(1 + exp(−y_i f_i)), one output, y_i = ±1
    "logistic": lambda f, y: torch.logaddexp(torch.zeros_like(f), -y * f).mean(),
}


def activation(name):
    """The factory act() of `model.activation`."""
    if name not in ACTIVATIONS:
        raise ValueError(f"model.activation: unknown activation {name!r}; use one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def normalization(name, groups):
    """The factory norm(c) of `model.norm`, or None for "none" (CNN/VGG then add no module at all).

    group: nn.GroupNorm(groups, c); layer: nn.GroupNorm(1, c); both eps 1e-5 and affine.
    """
    if name == "none":
        return None
    if name == "group":
        return lambda c: nn.GroupNorm(groups, c, eps=1e-5)
    if name == "layer":
        return lambda c: nn.GroupNorm(1, c, eps=1e-5)
    raise ValueError(f"model.norm: unknown normalization {name!r}; use none, group or layer")


class MLP(nn.Module):  # arch = "mlp": `depth` hidden layers of `width`, σ between
    def __init__(self, d, width, depth, classes, act):
        super().__init__()
        sizes = [d] + [width] * depth + [classes]
        self.layers = nn.ModuleList(nn.Linear(a, b) for a, b in zip(sizes, sizes[1:]))
        self.act = act()

    def forward(self, x):
        x = x.flatten(1)
        for layer in self.layers[:-1]:
            x = self.act(layer(x))
        return self.layers[-1](x)


class CNN(nn.Module):  # arch = "cnn": `depth` ≥ 1 blocks conv3×3 → [norm] → σ → pool, linear head
    def __init__(self, c, h, w, width, depth, classes, act, norm, pool):
        super().__init__()
        mods, ch = [], c
        for _ in range(depth):
            mods.append(nn.Conv2d(ch, width, 3, padding=1))
            if norm is not None:
                mods.append(norm(width))
            mods += [act(), nn.AvgPool2d(2) if pool == "avg" else nn.MaxPool2d(2)]
            ch, h, w = width, h // 2, w // 2
        self.features = nn.Sequential(*mods)
        self.classifier = nn.Linear(width * h * w, classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


# VGG-depth: channels in units of width ("M" = 2×2 max pool); width 64 gives 64…512.
PLANS = {
    11: [1, "M", 2, "M", 4, 4, "M", 8, 8, "M", 8, 8, "M"],
    13: [1, 1, "M", 2, 2, "M", 4, 4, "M", 8, 8, "M", 8, 8, "M"],
    16: [1, 1, "M", 2, 2, "M", 4, 4, 4, "M", 8, 8, 8, "M", 8, 8, 8, "M"],
    19: [1, 1, "M", 2, 2, "M", 4, 4, 4, 4, "M", 8, 8, 8, 8, "M", 8, 8, 8, 8, "M"],
}


class VGG(nn.Module):  # arch = "vgg": VGG-`depth`, depth ∈ {11, 13, 16, 19}; needs h, w ≥ 32
    def __init__(self, c, h, w, width, depth, classes, act, norm):
        super().__init__()
        mods, ch = [], c
        for p in PLANS[depth]:
            if p == "M":
                mods.append(nn.MaxPool2d(2))
                h, w = h // 2, w // 2
                continue
            mods.append(nn.Conv2d(ch, p * width, 3, padding=1))
            if norm is not None:
                mods.append(norm(p * width))
            mods.append(act())
            ch = p * width
        self.features = nn.Sequential(*mods)
        self.classifier = nn.Linear(ch * h * w, classes)

    def forward(self, x):
        return self.classifier(self.features(x).flatten(1))


class Block(nn.Module):  # ResNet basic block: two 3×3 convs, 1×1 projection shortcut when the shape changes
    def __init__(self, cin, cout, stride, act, norm):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.norm1 = norm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.norm2 = norm(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), norm(cout))
        self.act = act()

    def forward(self, x):
        y = self.norm2(self.conv2(self.act(self.norm1(self.conv1(x)))))
        return self.act(y + self.shortcut(x))


class ResNet(nn.Module):  # arch = "resnet": CIFAR ResNet-(6·depth+2), stages of width, 2·width, 4·width
    def __init__(self, c, width, depth, classes, act, norm):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(c, width, 3, 1, 1, bias=False), norm(width), act())
        stages, cin = [], width
        for s, cout in enumerate([width, 2 * width, 4 * width]):
            blocks = []
            for b in range(depth):
                blocks.append(Block(cin, cout, 2 if s > 0 and b == 0 else 1, act, norm))
                cin = cout
            stages.append(nn.Sequential(*blocks))
        self.stages = nn.Sequential(*stages)
        self.head = nn.Linear(4 * width, classes)

    def forward(self, x):
        return self.head(self.stages(self.stem(x)).mean((2, 3)))


# The transformer of docs/ARCHITECTURES.md §Transformer, written as the design writes it. LayerNorm is
# written out (PyTorch's fused LayerNorm has wrong third derivatives); attention is an explicit
# softmax. θ order = state_dict order: position, embed.weight, blocks.0.norm1.weight, …
# (`position` is the Transformer's own parameter, listed before its submodules'). Initial values
# here are placeholders (position zeros, embed.weight nn.Embedding's N(0, 1)): eos draws
# embed.weight and position from N(0, 1) itself, and a run's values come from its files.


class LayerNorm(nn.Module):  # over the last axis, eps 1e-5
    def __init__(self, d):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(d)); self.bias = nn.Parameter(torch.zeros(d))

    def forward(self, x):
        m = x.mean(-1, keepdim=True); v = ((x - m) ** 2).mean(-1, keepdim=True)
        return (x - m) / torch.sqrt(v + 1e-5) * self.weight + self.bias


class Attention(nn.Module):  # bidirectional multi-head self-attention
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads; self.qkv = nn.Linear(d, 3 * d); self.proj = nn.Linear(d, d)

    def forward(self, x):
        n, T, d = x.shape; h = self.heads
        q, k, v = self.qkv(x).view(n, T, 3, h, d // h).permute(2, 0, 3, 1, 4)  # each [n, h, T, d/h]
        a = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d // h), dim=-1)
        return self.proj((a @ v).transpose(1, 2).reshape(n, T, d))


class EncoderBlock(nn.Module):  # pre-norm
    def __init__(self, d, heads, act):
        super().__init__()
        self.norm1 = LayerNorm(d); self.attn = Attention(d, heads)
        self.norm2 = LayerNorm(d); self.fc1 = nn.Linear(d, 4 * d); self.act = act(); self.fc2 = nn.Linear(4 * d, d)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.fc2(self.act(self.fc1(self.norm2(x))))


class Transformer(nn.Module):  # arch = "transformer": x [n, T] token ids → mean-pooled logits
    def __init__(self, vocab, length, width, depth, heads, classes, act):
        super().__init__()
        self.embed = nn.Embedding(vocab, width)
        self.position = nn.Parameter(torch.zeros(length, width))
        self.blocks = nn.ModuleList(EncoderBlock(width, heads, act) for _ in range(depth))
        self.norm = LayerNorm(width)
        self.head = nn.Linear(width, classes)

    def forward(self, x):
        h = self.embed(x) + self.position
        for block in self.blocks: h = block(h)
        return self.head(self.norm(h).mean(1))


def _mlp(m, shape, classes, act):
    c, h, w = shape
    return MLP(c * h * w, m["width"], m["depth"], classes, act)


def _cnn(m, shape, classes, act):
    if m["depth"] < 1:
        raise ValueError(f"model.depth: cnn needs at least one block, got {m['depth']}")
    pool = m.get("pool", "avg")
    if pool not in ("avg", "max"):
        raise ValueError(f"model.pool: unknown pooling {pool!r}; use avg or max")
    c, h, w = shape
    norm = normalization(m.get("norm", "none"), m.get("groups", 8))
    return CNN(c, h, w, m["width"], m["depth"], classes, act, norm, pool)


def _vgg(m, shape, classes, act):
    if m["depth"] not in PLANS:
        raise ValueError(f"model.depth: vgg depth must be 11, 13, 16 or 19, got {m['depth']}")
    c, h, w = shape
    norm = normalization(m.get("norm", "none"), m.get("groups", 8))
    return VGG(c, h, w, m["width"], m["depth"], classes, act, norm)


def _resnet(m, shape, classes, act):
    norm = normalization(m.get("norm", "none"), m.get("groups", 8)) or (lambda c: nn.Identity())
    return ResNet(shape[0], m["width"], m["depth"], classes, act, norm)


def _transformer(m, data, shape, classes, act):
    vocab, length, heads = data.get("vocab", 64), data.get("length", 16), m.get("heads", 2)
    if tuple(shape) != (length,):
        raise ValueError(f"data.length: the transformer reads sequences of {length} token ids, got inputs of shape {tuple(shape)}")
    if m["depth"] < 1:
        raise ValueError(f"model.depth: the transformer needs at least one block, got {m['depth']}")
    if m["width"] % heads != 0:
        raise ValueError(f"model.heads: {heads} heads do not divide model.width = {m['width']}")
    return Transformer(vocab, length, m["width"], m["depth"], heads, classes, act)


# model.arch → builder(model table, input shape, classes, act); the transformer's builder also
# reads the data table (data.vocab, data.length), its input shape being (length,).
BUILDERS = {"mlp": _mlp, "cnn": _cnn, "vgg": _vgg, "resnet": _resnet}

# data.name → [c, h, w] of its images (synthetic: data.shape, [] or absent = [1, 1, dim]).
IMAGE_SHAPES = {"digits": (1, 8, 8), "mnist": (1, 28, 28), "fashion-mnist": (1, 28, 28), "cifar10": (3, 32, 32)}


def input_shape(config):
    """(c, h, w) of the run's inputs from its resolved config (config.json); (length,) for tokens."""
    data = config.get("data", {})
    name = data.get("name", "digits")
    if name == "tokens":
        return (data.get("length", 16),)
    if name in IMAGE_SHAPES:
        return IMAGE_SHAPES[name]
    if name == "synthetic":
        return tuple(data.get("shape") or [1, 1, data.get("dim", 3072)])  # [] = [1, 1, dim]
    raise ValueError(f"data.name: no image shape for data set {name!r}")


def build_model(config, input_shape, classes):
    """The float64 module of a resolved config (config.json: {"model": {"arch", "depth", …}, …}).

    input_shape is (c, h, w) — (length,) for the transformer, whose vocabulary and length come
    from config["data"] (vocab, length) — and classes the number of outputs k (y's columns).
    """
    m = dict(config.get("model", {}))
    m.setdefault("arch", "mlp")
    m.setdefault("depth", 2)
    m.setdefault("width", 64)
    act = activation(m.get("activation", "tanh"))
    if m["arch"] == "transformer":
        return _transformer(m, config.get("data", {}), tuple(input_shape), classes, act).double()
    if m["arch"] not in BUILDERS:
        raise ValueError(f"model.arch: unknown architecture {m['arch']!r}; use one of {', '.join(BUILDERS)}, transformer")
    return BUILDERS[m["arch"]](m, tuple(input_shape), classes, act).double()


def load_run(folder, which="init"):
    """(model, x, y) of a run directory: the module with params-<which>.safetensors loaded
    (load_state_dict strict), x [n, c, h, w] and y [n, k], all float64; for a transformer x is
    the token ids [n, length] as int64.

    which: "init", "final" or "track-start".
    """
    from safetensors.torch import load_file

    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    data = load_file(os.path.join(folder, "data.safetensors"))
    shape = input_shape(config)
    if config.get("data", {}).get("name") == "tokens":
        x = data["x"].to(torch.int64).reshape(-1, *shape)
        if not torch.equal(x.to(data["x"].dtype), data["x"].reshape(x.shape)):
            raise ValueError(f"{folder}/data.safetensors: x holds values that are not token ids")
    else:
        x = data["x"].to(torch.float64).reshape(-1, *shape)
    y = data["y"].to(torch.float64)
    model = build_model(config, shape, y.shape[1])
    params = load_file(os.path.join(folder, f"params-{which}.safetensors"))
    model.load_state_dict({k: v.to(torch.float64) for k, v in params.items()}, strict=True)
    return model, x, y
