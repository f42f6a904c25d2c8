#!/usr/bin/env bash
# Sweep-system overhead, measured with the release binary (swift build -c release --product eos):
#   1. 1000 trivial tasks (0 GD steps on 16 digits, no eigen-solves) through `eos sweep` with 2
#      workers: wall time per task = coordinator + ZeroMQ + journal + task-folder overhead;
#   2. the quickstart sweep (6 real tasks) with 1 worker × 2 BLAS threads vs 2 workers × 1 thread.
# Prints one line per measurement; docs/BENCHMARKS.md records a run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
eos=${EOS:-$repo/.build/release/eos}
work=$(mktemp -d /tmp/eos-sweep-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

seeds=$(seq -s, 0 999)
cat > "$work/trivial.toml" <<SPEC
[sweep]
name = "trivial"
[sweep.grid]
"model.seed" = [$seeds]
[data]
n = 16
[model]
depth = 0
[train]
steps = 0
[sharpness]
every = 0
SPEC
start=$(date +%s.%N)
"$eos" sweep "$work/trivial.toml" --workers 2 --threads-per-worker 1 --out "$work/trivial" > "$work/trivial.log" 2>&1
end=$(date +%s.%N)
done_count=$("$eos" status "$work/trivial/journal.sqlite" | grep -o 'done [0-9]*' | head -1)
awk -v s="$start" -v e="$end" -v d="$done_count" 'BEGIN { t = e - s; printf "trivial tasks: %s in %.1f s wall = %.1f ms per task (2 workers)\n", d, t, 1000 * t / 1000 }'

for layout in "1 2" "2 1"; do
  set -- $layout
  start=$(date +%s.%N)
  "$eos" sweep "$repo/sweeps/quickstart.toml" --workers "$1" --threads-per-worker "$2" --out "$work/qs-$1" > "$work/qs-$1.log" 2>&1
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v w="$1" -v t="$2" 'BEGIN { printf "quickstart (6 tasks): %d worker(s) x %d BLAS thread(s): %.1f s wall\n", w, t, e - s }'
done
