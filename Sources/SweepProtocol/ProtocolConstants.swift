/// The constants of the sweep protocol, with their units (zguide style: ppqueue.c, mdbroker.c).
/// Every duration of the protocol is in seconds (`Double`), like the `[sweep]` settings and the
/// message fields (`heartbeat_interval`, `retry_after`, `checkpoint_every`).
public enum ProtocolConstants {
    /// Frame 0 of every message; a peer with another version is refused. Version 2: lease ids
    /// are tokens of 32 hex digits (version 1 sent 60-bit integers).
    public static let version = "EOS-SWEEP/2"
    /// Length of a lease token on the wire: 32 lowercase hex digits, 76 bits of them from the
    /// system's cryptographic random source, so a peer cannot guess the lease of another worker
    /// (the journal makes them: `SweepJournal.newLeaseID()`).
    public static let leaseTokenHexDigits = 32
    /// Length of a worker's session token in READY: 32 lowercase hex digits (128 random bits),
    /// drawn once per worker process and kept across its reconnects.
    public static let sessionTokenHexDigits = 32
    /// Frames of a message after the ROUTER routing id: version, command, JSON body.
    public static let frameCount = 3
    /// Largest frame accepted, in bytes (64 MiB): a RESULT carries every CSV of its run directory.
    /// The coordinator's socket sets the same limit as ZMQ_MAXMSGSIZE.
    public static let maxFrameBytes = 64 * 1024 * 1024
    /// Most task keys one READY may list in `held_results` (each costs the coordinator a journal
    /// read in one turn); a worker holding more lists the rest in later READYs.
    public static let maxHeldResults = 1_024
    /// Most files one RESULT may carry (a run directory has a handful of CSVs; each is a journal row).
    public static let maxResultFiles = 64
    /// Longest `phase` of a HEARTBEAT's progress, in UTF-8 bytes (the coordinator keeps, shows and
    /// stores it per running task).
    public static let maxPhaseBytes = 64
    /// Longest `label` of a TASK (the task's grid values, for the worker's log), in UTF-8 bytes.
    public static let maxLabelBytes = 1_024
    /// A worker's first reconnect delay after its coordinator went silent, in seconds.
    public static let reconnectBackoffInitial = 1.0
    /// Ceiling of the worker's doubling reconnect delay, in seconds.
    public static let reconnectBackoffMax = 32.0
}
