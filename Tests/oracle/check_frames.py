"""Checks python/eos_frames.py against what `eos export` writes for the same sweep and run.

    <python with pandas> Tests/oracle/check_frames.py JOURNAL EXPORT_CSV HISTORY_CSV RUN_DIR

summary(JOURNAL) must equal EXPORT_CSV (eos export --format csv) and history(JOURNAL) must equal
HISTORY_CSV (eos export --history), column by column and row by row (numbers to 1e-12 relative,
timestamps as datetimes); summary(RUN_DIR) and history(RUN_DIR) must give the run's summary.json and
trace.csv. Prints "ok" and exits 0 when everything agrees, else lists the differences and exits 1.
"""

import json
import math
import os
import sys

import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import eos_frames  # noqa: E402

problems = []


def same(a, b):
    missing_a = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NaT
    missing_b = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NaT
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, pd.Timestamp) or isinstance(b, pd.Timestamp):
        return pd.Timestamp(a) == pd.Timestamp(b)
    if isinstance(a, (bool,)) or isinstance(b, (bool,)):
        return str(a).lower() == str(b).lower()
    try:
        x, y = float(a), float(b)
        return x == y or abs(x - y) <= 1e-12 * max(abs(x), abs(y))
    except (TypeError, ValueError):
        return str(a) == str(b)


def compare(name, ours, theirs):
    if list(ours.columns) != list(theirs.columns):
        problems.append(f"{name}: columns differ:\n  frames {list(ours.columns)}\n  export {list(theirs.columns)}")
        return
    if len(ours) != len(theirs):
        problems.append(f"{name}: {len(ours)} rows, export {len(theirs)}")
        return
    for column in ours.columns:
        for i, (a, b) in enumerate(zip(ours[column].tolist(), theirs[column].tolist())):
            if not same(a, b):
                problems.append(f"{name}: row {i} column {column}: frames {a!r}, export {b!r}")
                break


journal, export_csv, history_csv, run_dir = sys.argv[1:5]
summary = eos_frames.summary(journal)
exported = pd.read_csv(export_csv)
for column in ("started", "finished"):
    exported[column] = pd.to_datetime(exported[column], utc=True)
compare("summary", summary, exported)
for column in ("started", "finished"):
    if str(summary[column].dtype) not in ("datetime64[ms, UTC]", "datetime64[ns, UTC]", "datetime64[us, UTC]"):
        problems.append(f"summary: {column} is {summary[column].dtype}, not a UTC datetime")
if summary["max_sharpness"].dtype.kind != "f" or summary["eos_step"].dtype.kind != "f":
    problems.append("summary: numeric columns are not numbers")

history = eos_frames.history(journal)
compare("history", history, pd.read_csv(history_csv))
if history.empty or history.groupby("key")["step"].min().max() != 0:
    problems.append("history: every task's rows should start at step 0")

with open(os.path.join(run_dir, "summary.json")) as f:
    recorded = json.load(f)
run = eos_frames.summary(run_dir)
if len(run) != 1 or run.loc[0, "stop_reason"] != recorded["stop_reason"] or not same(run.loc[0, "final_loss"], recorded["final_loss"]):
    problems.append(f"run summary: {run.to_dict('records')}")
if run.loc[0, "train.lr"] != 0.1 or run.loc[0, "model.width"] != 8:
    problems.append("run summary: configuration columns missing")
trace = pd.read_csv(os.path.join(run_dir, "trace.csv"))
run_history = eos_frames.history(run_dir)
compare("run history", run_history[trace.columns], trace)
if (run_history["train.lr"] != 0.1).any():
    problems.append("run history: the run's columns are not in front of every row")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok")
