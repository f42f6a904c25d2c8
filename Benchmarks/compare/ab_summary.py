"""Each build against the base from ab.sh's runs: <i>-<round>.jsonl, i = 0 the base.

Per (shape, precision, operation): ratio = median over rounds of build i ÷ median over rounds of
the base; `rounds` = the lowest and highest round-by-round ratio (round r of build i against
round r of the base, run just before it).
"""

import json
import statistics
import sys
from pathlib import Path


def load(path):
    rows = {}
    for line in Path(path).read_text().splitlines():
        row = json.loads(line) if line.startswith("{") else {}
        if "op" in row:
            rows[(row["shape"], row["precision"], row["op"])] = row["seconds"]
    return rows


def main(folder):
    folder = Path(folder)
    runs = {}
    for p in folder.glob("*-*.jsonl"):
        build, r = (int(x) for x in p.stem.split("-"))
        runs.setdefault(build, {})[r] = load(p)
    base = runs[0]
    rounds = sorted(base)
    header = "| shape | prec | operation | build 0 ms |"
    rule = "|---|---|---|---|"
    for b in sorted(runs)[1:]:
        header += f" build {b} ms | {b}/0 | rounds |"
        rule += "---|---|---|"
    print(f"{len(rounds)} rounds; medians over rounds")
    print(header)
    print(rule)
    for key in base[rounds[0]]:
        o = statistics.median(base[r][key] for r in rounds)
        line = f"| {key[0].split(':')[0]} | {key[1].replace('float', '')} | {key[2]} | {o * 1e3:.2f} |"
        for b in sorted(runs)[1:]:
            done = [r for r in rounds if r in runs[b] and key in runs[b][r]]
            n = statistics.median(runs[b][r][key] for r in done)
            pairs = [runs[b][r][key] / base[r][key] for r in done]
            line += f" {n * 1e3:.2f} | **{n / o:.3f}** | {min(pairs):.2f}–{max(pairs):.2f} |"
        print(line)


if __name__ == "__main__":
    main(sys.argv[1])
