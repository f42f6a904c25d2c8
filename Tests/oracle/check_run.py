"""Loads run directories with python/eos_models.py and checks them against what eos recorded.

    <venv python> Tests/oracle/check_run.py RUN_DIR...     # exit 0 and "ok" when every run agrees

For each run: load_run(folder, "init") and load_run(folder, "final") (load_state_dict strict) must
give the losses of trace.csv's first row (θ₀) and last row (θ after the last update, a run without
tracking) to a relative error ≤ 1e-9, with the loss of the run's loss.name (docs/THEORY.md §8).
"""

import csv
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import eos_models  # noqa: E402

TOLERANCE = 1e-9


def check(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    with open(os.path.join(folder, "trace.csv")) as f:
        rows = list(csv.DictReader(f))
    loss = eos_models.LOSSES[config["loss"]["name"]]
    ok = True
    for which, row in (("init", rows[0]), ("final", rows[-1])):
        model, x, y = eos_models.load_run(folder, which)
        with torch.no_grad():
            ours = loss(model(x), y).item()
        recorded = float(row["loss"])
        error = abs(ours - recorded) / abs(recorded)
        good = error <= TOLERANCE
        ok &= good
        arch = config["model"]["arch"]
        status = "ok" if good else "FAIL"
        print(f"{status} {arch} {which}: PyTorch {ours!r}, trace.csv step {row['step']} {recorded!r}, relative error {error:.2e}")
    return ok


def main(folders):
    if not folders:
        raise SystemExit("usage: check_run.py RUN_DIR...")
    ok = all([check(folder) for folder in folders])
    print("ok" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main(sys.argv[1:])
