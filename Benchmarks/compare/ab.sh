#!/usr/bin/env bash
# Builds of eos-compare against each other, alternated in one session so that the machine's
# noise hits all alike (docs/BENCHMARKS.md §2, "before and after").
#   ROUNDS=3 bash Benchmarks/compare/ab.sh BASE_BINARY OTHER_BINARY… [-- eos-compare flags…]
# Runs base, other…, base, other…, ROUNDS times (default 3), keeps every run's JSON lines in
# $AB_OUT (default a temporary folder) as <i>-<round>.jsonl (i = 0 for the base), and prints
# each other build against the base per (shape, precision, operation): the ratio of the medians
# over rounds and the range of the round-by-round ratios.
set -euo pipefail
binaries=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do binaries+=("$1"); shift; done
[ $# -gt 0 ] && shift
rounds="${ROUNDS:-3}"
here="$(cd "$(dirname "$0")" && pwd)"
out="${AB_OUT:-$(mktemp -d)}"
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
    for i in "${!binaries[@]}"; do
        echo "ab: round $r, build $i (${binaries[$i]}), load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
        "${binaries[$i]}" "$@" > "$out/$i-$r.jsonl"
    done
done
echo "ab: runs in $out" >&2
python3 "$here/ab_summary.py" "$out"
