"""eos sweeps and runs as pandas frames (docs/CONFIGURATION.md §8), without glue.

    import sys; sys.path.insert(0, "<repo>/python")         # needs pandas (Python ≥ 3.11)
    from eos_frames import summary, history
    runs = summary("runs/quickstart/journal.sqlite")       # one row per task, as `eos export`
    trace = history("runs/quickstart/journal.sqlite")      # every trace.csv row of every task
    trace = history("runs/my-run")                         # a run directory (eos run --out) works too
    track = history("runs/quickstart/journal.sqlite", "track.csv")

`summary` has the columns of `eos export --format csv`: key, status, attempts, run_status,
stop_reason, the configuration columns (the grid's axes, then — sorted — the keys the
specification sets, the keys that vary between tasks, and model.arch, model.depth, model.width,
model.activation, loss.name, train.lr, train.steps), the summary fields of summary.json, threshold, steps_done,
time_total, time_gd, time_eigen, time_tracking, resumed_from_checkpoint, blas_threads, version,
checkpoint_error, worker, started, finished (UTC datetimes, to the millisecond), wall_seconds,
run_folder and error. `history` has key, status, the same configuration columns, then the file's
own columns, one row per row of each task's file, read from the sweep's task folders (a file is
used when it has the SHA-256 the journal recorded; results recorded by an eos before journal
schema 5 are read from the journal); a running task contributes the live file of its folder.
Journals of every schema version are read as they are (1–6 kept results in a table of their own,
7 keeps each in its task's row).
For a run directory the configuration columns are all its keys. Where a task's config.json
leaves a key out (a default the run does not read), the column shows its grid value, as eos export
does.

The journal is opened read-only (it may be read while its sweep runs).
"""

import hashlib
import json
import os
import sqlite3
from io import StringIO

import pandas as pd

__all__ = ["summary", "history", "load", "ALWAYS_SHOWN", "SUMMARY_FIELDS"]

# Configuration keys every table shows (SweepExport.alwaysShown).
ALWAYS_SHOWN = ["model.arch", "model.depth", "model.width", "model.activation", "loss.name", "train.lr", "train.steps"]

# The EoS summary fields of summary.json in the order of docs/CONFIGURATION.md §6
# (RunSummary.Field.edgeOfStability); fields a newer eos adds follow, sorted.
SUMMARY_FIELDS = [
    "two_over_eta", "sharpness_at", "eos_step", "sharpness_ratio_median", "sharpness_ratio_p10",
    "sharpness_ratio_p90", "max_sharpness", "final_loss", "final_accuracy", "loss_nonmonotone_steps",
    "track_start_step", "dist_median", "dist_max", "pred_error_median", "loss_pred_rel_error_median",
    "sharpness_pred_rel_error_median", "gf_dist_median", "lambda2_max_ratio", "central_loss_error_median",
    "central_distance_ratio", "central_directions_max",
]
_RUN_FIELDS = ["resumed_from_checkpoint", "blas_threads", "version", "checkpoint_error"]
_NOT_SUMMARY_COLUMNS = {"status", "stop_reason", "steps_done", "timings", "error", "threshold"} | set(_RUN_FIELDS)
_TIMINGS = ["total", "gd", "eigen", "tracking"]


def _leaves(tree, prefix=""):
    """{"train": {"lr": 0.1}} → {"train.lr": 0.1} (lists are values)."""
    out = {}
    for key, value in tree.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            out.update(_leaves(value, path))
        else:
            out[path] = value
    return out


def _cell(value):
    """A configuration value as a frame cell: lists as compact JSON text, like eos export."""
    if isinstance(value, list):
        return json.dumps(value, separators=(",", ":"))
    return value


def _time(seconds):
    if seconds is None:
        return pd.NaT
    return pd.to_datetime(round(seconds * 1000), unit="ms", utc=True)


def _spec_keys(spec_text):
    """(grid keys in file order, keys the run configuration sets) of a sweep specification."""
    try:
        import tomllib
        spec = tomllib.loads(spec_text)
    except Exception:  # no tomllib (Python < 3.11) or no specification: the journal's grids decide
        return None, []
    sweep = spec.pop("sweep", {})
    grid = list(_leaves(sweep.get("grid", {})).keys())
    return grid, sorted(_leaves(spec).keys())


def _open(journal):
    return sqlite3.connect(f"file:{os.path.abspath(journal)}?mode=ro", uri=True)


def _results_in_rows(db):
    """Whether results live in their task's row (schema 7 on) rather than in `result`."""
    return db.execute("PRAGMA user_version").fetchone()[0] >= 7


def _tasks(journal):
    with _open(journal) as db:
        db.row_factory = sqlite3.Row
        in_rows = _results_in_rows(db)
        source = "task AS t" if in_rows else "task AS t LEFT JOIN result AS r ON r.task_key = t.key"
        summary = "t.summary_json" if in_rows else "r.summary_json"
        rows = db.execute(
            "SELECT t.key, t.state, t.attempts, t.worker, t.last_error, t.config_json, t.grid_json, t.started, "
            f"t.finished, {summary} AS summary_json FROM {source} "
            "ORDER BY t.state = 'stale', t.ordinal, t.key").fetchall()
        spec = db.execute("SELECT spec_text FROM sweep WHERE id = 1").fetchone()
    tasks = [dict(r) for r in rows]
    for task in tasks:
        # Where config.json leaves a key out (a default the run does not read), its grid value.
        task["config"] = _leaves(json.loads(task["config_json"]))
        for key, value in json.loads(task["grid_json"]).items():
            task["config"].setdefault(key, value)
    return tasks, (spec[0] if spec else "")


def _task_root(journal):
    """The folder holding tasks/<key>/: sweep.task_root when the journal records one (schema 5
    on), else the journal's own folder (docs/ARCHITECTURE.md §6)."""
    with _open(journal) as db:
        has_root = any(row[1] == "task_root" for row in db.execute("PRAGMA table_info(sweep)"))
        root = db.execute("SELECT task_root FROM sweep WHERE id = 1").fetchone() if has_root else None
    return root[0] if root and root[0] else os.path.dirname(os.path.abspath(journal))


def _file_records(db):
    """Where the journal records its task files' SHA-256 and size: "row" (each task's files_json,
    schema 7 on), "task_file" (schemas 5–6), or None (older: the files' text is in run_file)."""
    if _results_in_rows(db):
        return "row"
    if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'task_file'").fetchone():
        return "task_file"
    return None


def _stored_file(db, records, root, key, name):
    """A finished task's file: from its task folder when it has the SHA-256 and size the journal
    recorded (where `records`, from _file_records, says), else from the journal itself (run_file,
    older results)."""
    row = None
    if records == "row":
        found = db.execute("SELECT files_json FROM task WHERE key = ?", (key,)).fetchone()
        entry = json.loads(found[0]).get(name) if found and found[0] else None
        row = (entry["sha256"], entry["bytes"]) if entry else None
    elif records == "task_file":
        row = db.execute("SELECT sha256, bytes FROM task_file WHERE task_key = ? AND name = ?", (key, name)).fetchone()
    if row:
        try:
            with open(os.path.join(root, "tasks", key, name), "rb") as f:
                data = f.read()
        except OSError:
            return None
        ok = len(data) == row[1] and hashlib.sha256(data).hexdigest() == row[0]
        return data.decode() if ok else None
    found = db.execute("SELECT content FROM run_file WHERE task_key = ? AND name = ?", (key, name)).fetchone()
    return found[0] if found else None


def _config_columns(configs, grids, spec_text):
    grid, set_keys = _spec_keys(spec_text)
    if grid is None:
        grid = sorted({k for g in grids for k in g})
    keys = {k for c in configs for k in c}
    varying = {k for k in keys if len({json.dumps(c.get(k), sort_keys=True) for c in configs}) > 1}
    shown = (set(ALWAYS_SHOWN) | set(set_keys) | varying) - set(grid)
    return grid + sorted(shown)


def _summary_row(summary, timing_keys):
    summary = summary or {}
    row = {"run_status": summary.get("status"), "stop_reason": summary.get("stop_reason")}
    fields = SUMMARY_FIELDS + sorted(k for k in summary if k not in SUMMARY_FIELDS and k not in _NOT_SUMMARY_COLUMNS)
    for field in fields:
        row[field] = summary.get(field)
    row["threshold"] = summary.get("threshold")
    row["steps_done"] = summary.get("steps_done")
    timings = summary.get("timings") or {}
    for key in timing_keys:
        row["time_" + key] = timings.get(key)
    for field in _RUN_FIELDS:
        row[field] = summary.get(field)
    return row


def _is_journal(source):
    return os.path.isfile(source)


def summary(source):
    """One row per task of a journal (or the one run of a run directory), as `eos export`."""
    if not _is_journal(source):
        return _run_summary(source)
    tasks, spec_text = _tasks(source)
    configs = [t["config"] for t in tasks]
    grids = [json.loads(t["grid_json"]) for t in tasks]
    summaries = [json.loads(t["summary_json"]) if t["summary_json"] else None for t in tasks]
    columns = _config_columns(configs, grids, spec_text)
    extra = sorted({k for s in summaries if s for k in (s.get("timings") or {})} - set(_TIMINGS))
    timing_keys = _TIMINGS + extra
    folder = _task_root(source)
    rows = []
    for task, config, s in zip(tasks, configs, summaries):
        body = _summary_row(s, timing_keys)
        row = {"key": task["key"], "status": task["state"], "attempts": task["attempts"],
               "run_status": body.pop("run_status"), "stop_reason": body.pop("stop_reason")}
        for key in columns:
            row[key] = _cell(config.get(key))
        row.update(body)
        ended = task["started"] is not None and task["finished"] is not None and task["finished"] >= task["started"]
        row.update({
            "worker": task["worker"], "started": _time(task["started"]), "finished": _time(task["finished"]),
            "wall_seconds": task["finished"] - task["started"] if ended else None,
            "run_folder": os.path.join(folder, "tasks", task["key"]),
            "error": task["last_error"] or (s or {}).get("error"),
        })
        rows.append(row)
    return _tidy(pd.DataFrame(rows))


def _run_summary(folder):
    with open(os.path.join(folder, "config.json")) as f:
        config = _leaves(json.load(f))
    with open(os.path.join(folder, "summary.json")) as f:
        s = json.load(f)
    row = {"key": "", "status": "done", "attempts": 1, "run_status": s.get("status"), "stop_reason": s.get("stop_reason")}
    for key in sorted(config):
        row[key] = _cell(config[key])
    extra = sorted(set(s.get("timings") or {}) - set(_TIMINGS))
    body = _summary_row(s, _TIMINGS + extra)
    body.pop("run_status"), body.pop("stop_reason")
    row.update(body)
    row.update({"worker": None, "started": pd.NaT, "finished": pd.NaT, "wall_seconds": None,
                "run_folder": os.path.abspath(folder), "error": s.get("error")})
    return _tidy(pd.DataFrame([row]))


def _tidy(frame):
    """Columns of numbers and missing values (None) as float columns with NaN, not objects."""
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values):
            frame[column] = values.astype(float)
    return frame


def _read_csv(text):
    return pd.read_csv(StringIO(text), keep_default_na=True)


def _live(folder, key, name):
    """A running task's live file, up to its last whole line; None without one."""
    path = os.path.join(folder, "tasks", key, name)
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return None
    end = text.rfind("\n")
    return text[:end + 1] if end >= 0 else None


def history(source, file="trace.csv"):
    """Every row of `file` (trace.csv, track.csv, …) of every task, the task's columns in front."""
    if not _is_journal(source):
        with open(os.path.join(source, "config.json")) as f:
            config = _leaves(json.load(f))
        with open(os.path.join(source, file)) as f:
            table = _read_csv(f.read())
        front = {"key": "", "status": "done"} | {k: _cell(config[k]) for k in sorted(config)}
        return _with_front(table, front)
    tasks, spec_text = _tasks(source)
    configs = [t["config"] for t in tasks]
    columns = _config_columns(configs, [json.loads(t["grid_json"]) for t in tasks], spec_text)
    folder = _task_root(source)
    frames = []
    with _open(source) as db:
        records = _file_records(db)
        for task, config in zip(tasks, configs):
            text = _stored_file(db, records, folder, task["key"], file)
            if text is None and task["state"] == "leased":
                text = _live(folder, task["key"], file)
            if text is None:
                continue
            front = {"key": task["key"], "status": task["state"]} | {k: _cell(config.get(k)) for k in columns}
            frames.append(_with_front(_read_csv(text), front))
    if not frames:
        return pd.DataFrame(columns=["key", "status"] + columns)
    return pd.concat(frames, ignore_index=True)


def _with_front(table, front):
    front_frame = pd.DataFrame({k: [v] * len(table) for k, v in front.items()}, index=table.index)
    return pd.concat([front_frame, table], axis=1)


def load(source):
    """(summary(source), history(source)): the two frames of a journal or a run directory."""
    return summary(source), history(source)
