/// SQL that turns a journal of schema version 7 back into what version 6 was (docs/ARCHITECTURE.md
/// §6): results in `result`, their file records in `task_file`, no result columns in `task`. Kept
/// literal here, not built from the schema's own statements: it describes a version that no longer
/// changes. For GRDB's `execute(sql:)` or Python's `executescript`; older versions are made from it.
public let versionSixSQL = """
    CREATE TABLE result (
        task_key TEXT PRIMARY KEY REFERENCES task (key),
        summary_json TEXT NOT NULL,
        received REAL NOT NULL,
        resumed_from_checkpoint INTEGER NOT NULL CHECK (resumed_from_checkpoint IN (0, 1)),
        lease_id TEXT
    ) STRICT;
    CREATE TABLE task_file (
        task_key TEXT NOT NULL REFERENCES task (key),
        name TEXT NOT NULL,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
        bytes INTEGER NOT NULL CHECK (bytes >= 0),
        PRIMARY KEY (task_key, name)
    ) STRICT, WITHOUT ROWID;
    INSERT INTO result SELECT key, summary_json, received, resumed_from_checkpoint, result_lease FROM task
        WHERE summary_json IS NOT NULL;
    INSERT INTO task_file
        SELECT t.key, f.key, json_extract(f.value, '$.sha256'), json_extract(f.value, '$.bytes')
        FROM task AS t, json_each(t.files_json) AS f;
    ALTER TABLE task DROP COLUMN summary_json;
    ALTER TABLE task DROP COLUMN received;
    ALTER TABLE task DROP COLUMN resumed_from_checkpoint;
    ALTER TABLE task DROP COLUMN result_lease;
    ALTER TABLE task DROP COLUMN files_json;
    PRAGMA user_version = 6;
    """
