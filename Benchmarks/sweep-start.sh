#!/usr/bin/env bash
# Sweep start at scale: the time from starting `eos coordinator` on a fresh journal to its
# "N tasks (added N, …)" log line (the grid expanded, every task's key and config.json
# computed, the tasks inserted into the journal) for a 20,000-task grid (train.lr × model.seed,
# 200 × 100) and a 100,000-task grid (model.seed), trivial tasks. Each EOS binary in turn,
# alternated for $ROUNDS rounds (default 2); each coordinator is killed (SIGKILL) at its line.
#   Benchmarks/sweep-start.sh BEFORE/eos AFTER/eos
# Prints one line per start; docs/BENCHMARKS.md §7 records a run.
set -euo pipefail
rounds=${ROUNDS:-2}
work=$(mktemp -d /tmp/eos-sweep-start.XXXXXX)
trap 'rm -rf "$work"' EXIT

tables=$'[data]\nn = 16\n[model]\ndepth = 0\n[train]\nsteps = 0\n[sharpness]\nevery = 0'
printf '[sweep]\nname = "grid20k"\n[sweep.grid]\n"train.lr" = [%s]\n"model.seed" = [%s]\n%s\n' \
    "$(seq -s, -f '0.%03g' 1 200)" "$(seq -s, 0 99)" "$tables" > "$work/grid20k.toml"
printf '[sweep]\nname = "grid100k"\n[sweep.grid]\n"model.seed" = [%s]\n%s\n' \
    "$(seq -s, 0 99999)" "$tables" > "$work/grid100k.toml"

port=47950
for _ in $(seq 1 "$rounds"); do
    for grid in grid20k grid100k; do
        for eos in "$@"; do
            port=$((port + 1))
            rm -rf "$work/out"
            start=$(date +%s.%N)
            "$eos" coordinator "$work/$grid.toml" --bind "tcp://127.0.0.1:$port" --out "$work/out" > "$work/log" 2>&1 &
            pid=$!
            until grep -q 'tasks (added' "$work/log"; do
                kill -0 "$pid" 2> /dev/null || { echo "$eos exited before its tasks line:" && cat "$work/log" && exit 1; }
                sleep 0.05
            done
            end=$(date +%s.%N)
            kill -9 "$pid" && wait "$pid" 2> /dev/null || true
            printf '%s  %-8s  %6.2f s  load %s\n' "$eos" "$grid" "$(echo "$end - $start" | bc)" "$(cut -d' ' -f1 /proc/loadavg)"
        done
    done
done
