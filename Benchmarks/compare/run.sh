#!/usr/bin/env bash
# Our engine against PyTorch and JAX, side by side in one run on this machine.
#   bash Benchmarks/compare/run.sh [--quick] [--only-b | --only-c | --only-d | --mlp] [--threads N]
# 1. makes Benchmarks/compare/.venv with jax, jaxlib and torch 2.13.0+cpu (once);
# 2. builds eos-compare in release and records our times (JSON lines);
# 3. times the same operations in PyTorch and JAX and prints ours/theirs, the GEMM floor,
#    and the GEMM-only ratio (OpenBLAS vs PyTorch's MKL on the gradient's exact products);
# 4. with shape (c), our resident peak on it against its memory budget (a process of its own).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
package="$(dirname "$here")"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --upgrade pip
    "$venv/bin/pip" install --quiet jax jaxlib
    "$venv/bin/pip" install --quiet torch==2.13.0+cpu \
        || "$venv/bin/pip" install --quiet torch==2.13.0+cpu --index-url https://download.pytorch.org/whl/cpu
fi
swift build -c release --package-path "$package" --product eos-compare 2>&1 | grep -E "error|warning: " || true
ours="$(mktemp)"
trap 'rm -f "$ours"' EXIT
"$package/.build/release/eos-compare" "$@" > "$ours"
case " $* " in
*" --only-b "* | *" --only-d "* | *" --mlp "*) ;;
*) "$package/.build/release/eos-compare" --memory --only-c >> "$ours" ;;
esac
"$venv/bin/python" "$here/frameworks.py" "$ours" "$@"
