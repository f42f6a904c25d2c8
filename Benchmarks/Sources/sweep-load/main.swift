// The sweep system at cluster scale (docs/BENCHMARKS.md, "Sweep system at scale"): N simulated
// workers in this process — the real WorkerStateMachine and protocol over real ZeroMQ sockets on
// loopback — against a real `eos coordinator`, with a fake compute that hands in a valid result
// a set time after each TASK.
//
//   sweep-load scale --eos PATH [--workers 100,500,1000,2000] [--heartbeat 1] [--task-seconds 1]
//                    [--warmup 10] [--window 20] [--shards 2] [--ramp 1000] [--work DIR] [--no-fsyncs]
//       per N: completed tasks/s, coordinator CPU (/proc/<pid>/stat), p99 RESULT→ACK, journal
//       fsyncs/s (perf stat on the fsync and fdatasync tracepoints of the coordinator)
//   sweep-load grid --eos PATH [--tasks 100000] [--workers 2000] [--task-seconds 0]
//       sweep start (expand + insert the grid), the sweep run to the end, then eos status and
//       eos export (csv, json) times and the journal's size per task
//   sweep-load kill --eos PATH [--workers 1000] [--tasks 30000] [--task-seconds 1] [--kill-after 15]
//       kill -9 of the coordinator mid-sweep and a restart on the same journal: every result
//       recorded, no task started twice, one lease per task
//
// Workers start --ramp a second. Every run writes to a new folder under --work (default: a new
// folder in the temporary directory), and nothing is deleted while runs go on: ext4 without a
// journal, as on this VM, passes over inodes freed in the last minutes when it allocates one,
// so deleting the previous run's 50,000 task folders made the next run's file creation, and
// with it the coordinator, several times slower.
//
// Prints one line per measurement and a JSON object per run (for docs/BENCHMARKS.md).
import Foundation
import Glibc
import SweepJournal
import SweepWorker

/// Prints `problem` and the usage (the comment at the top of this file) and exits with status 2.
func usage(_ problem: String) -> Never {
    FileHandle.standardError.write(
        Data(
            """
            sweep-load: \(problem)
            usage: sweep-load scale|grid|kill --eos PATH [--workers N,N,…] [--heartbeat S] [--task-seconds S]
                   [--warmup S] [--window S] [--shards K] [--ramp R] [--work DIR] [--no-fsyncs] [--tasks N] [--kill-after S] [--port P]

            """.utf8))
    exit(2)
}

struct Options {
    var mode = "scale"
    var eos = ""
    var workers = [100, 500, 1000, 2000]
    var heartbeat = 1.0
    var taskSeconds = 1.0
    var warmup = 10.0
    var window = 20.0
    var shards = 2
    var work = NSTemporaryDirectory() + "sweep-load-\(Int(Date().timeIntervalSince1970))-\(getpid())"
    var countFsyncs = true
    var ramp = 1000.0
    var tasks: Int?
    var killAfter = 15.0
    var port = 25_500

    init(_ arguments: [String]) {
        var rest = arguments.dropFirst()
        if let first = rest.first, !first.hasPrefix("-") { mode = first; rest = rest.dropFirst() }
        while let flag = rest.popFirst() {
            func value() -> String {
                guard let next = rest.popFirst() else { usage("\(flag) needs a value") }
                return next
            }
            func number<T>(_ parse: (String) -> T?) -> T {
                let text = value()
                guard let parsed = parse(text) else { usage("\(flag) needs a number, not \(text)") }
                return parsed
            }
            switch flag {
            case "--eos": eos = value()
            case "--workers": workers = value().split(separator: ",").compactMap { Int($0) }
            case "--heartbeat": heartbeat = number { Double($0) }
            case "--task-seconds": taskSeconds = number { Double($0) }
            case "--warmup": warmup = number { Double($0) }
            case "--window": window = number { Double($0) }
            case "--shards": shards = number { Int($0) }
            case "--work": work = value()
            case "--no-fsyncs": countFsyncs = false
            case "--ramp": ramp = number { Double($0) }
            case "--tasks": tasks = number { Int($0) }
            case "--kill-after": killAfter = number { Double($0) }
            case "--port": port = number { Int($0) }
            default: usage("unknown option \(flag)")
            }
        }
        if eos.isEmpty { usage("--eos PATH (a release build of eos) is required") }
    }
}

let clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

func line(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}

func loadAverage() -> String {
    (CoordinatorProcess.proc("/proc/loadavg") ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
}

func harnessCPU() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
}

/// A sweep of `tasks` trivial tasks (the digits data, no GD step): the coordinator never runs them,
/// the simulated workers fake them.
func writeSpec(_ path: String, tasks: Int, heartbeat: Double) throws {
    let seeds = (0..<tasks).map(String.init).joined(separator: ", ")
    let text = """
        [sweep]
        name = "load"
        heartbeat_interval = \(heartbeat)
        liveness = 3
        [sweep.grid]
        "model.seed" = [\(seeds)]
        [data]
        n = 16
        [model]
        depth = 0
        [train]
        steps = 0
        [sharpness]
        every = 0

        """
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

/// Starts `count` simulated workers on `shardCount` threads.
func startShards(count: Int, shardCount: Int, endpoint: String, options: Options, metrics: LoadMetrics) throws -> [Shard] {
    let shardCount = max(1, min(shardCount, count))
    var shards: [Shard] = []
    for index in 0..<shardCount {
        let size = count / shardCount + (index < count % shardCount ? 1 : 0)
        let shard = try Shard(
            index: index, count: size, endpoint: endpoint, taskSeconds: options.taskSeconds, heartbeat: options.heartbeat,
            rampRate: options.ramp / Double(shardCount), metrics: metrics, clock: clock)
        shards.append(shard)
        let thread = Thread { shard.run() }
        thread.stackSize = 8 << 20
        thread.start()
    }
    return shards
}

func waitForShards(_ shards: [Shard], timeout: Double) {
    let deadline = Date().addingTimeInterval(timeout)
    while shards.contains(where: { !$0.isFinished }) && Date() < deadline { usleep(20_000) }
    for shard in shards { shard.requestStop() }
    while shards.contains(where: { !$0.isFinished }) { usleep(20_000) }
}

func run(_ command: [String], in folder: String) -> (seconds: Double, status: Int32, bytes: Int) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: command[0])
    process.arguments = Array(command.dropFirst())
    process.currentDirectoryURL = URL(fileURLWithPath: folder)
    var environment = ProcessInfo.processInfo.environment
    environment["EOS_BLAS_KERNEL"] = "keep"
    process.environment = environment
    let output = folder + "/command.out"
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    process.standardOutput = FileHandle(forWritingAtPath: output)
    process.standardError = FileHandle.nullDevice
    let start = Date()
    try? process.run()
    process.waitUntilExit()
    return (Date().timeIntervalSince(start), process.terminationStatus, fileSize(output))
}

func fileSize(_ path: String) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
}

// MARK: - scale

func scale(_ options: Options) throws {
    line(
        "# sweep-load scale: heartbeat \(options.heartbeat) s, tasks of \(options.taskSeconds) s, warm-up \(options.warmup) s, "
            + "window \(options.window) s, \(options.shards) harness threads; \(ProcessInfo.processInfo.activeProcessorCount) cores")
    for (index, workers) in options.workers.enumerated() {
        let folder = options.work + "/scale-\(workers)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let tasks = Int(Double(workers) * (options.warmup + options.window + 15) / max(options.taskSeconds, 0.05)) + workers
        try writeSpec(folder + "/spec.toml", tasks: tasks, heartbeat: options.heartbeat)
        let endpoint = "tcp://127.0.0.1:\(options.port + index)"
        let coordinator = try CoordinatorProcess(
            eos: options.eos, spec: folder + "/spec.toml", endpoint: endpoint, out: folder + "/out",
            log: folder + "/coordinator.log")
        line("# coordinator pid \(coordinator.pid)")
        guard let startup = coordinator.waitUntilListening(timeout: 300) else {
            line("N=\(workers): the coordinator did not start; see \(folder)/coordinator.log")
            _ = coordinator.terminate()
            continue
        }
        let metrics = LoadMetrics()
        let shards = try startShards(count: workers, shardCount: options.shards, endpoint: endpoint, options: options, metrics: metrics)
        Thread.sleep(forTimeInterval: options.warmup)
        let load0 = loadAverage()
        let (t0, cpu0, harness0) = (clock(), coordinator.cpuSeconds(), harnessCPU())
        let fsyncs = options.countFsyncs ? coordinator.countFsyncs(seconds: options.window) : nil
        if !options.countFsyncs { Thread.sleep(forTimeInterval: options.window) }
        let (t1, cpu1, harness1) = (clock(), coordinator.cpuSeconds(), harnessCPU())
        let load1 = loadAverage()
        let snapshot = metrics.state.withLock { $0 }
        let completed = snapshot.ackTimes.filter { $0 >= t0 && $0 < t1 }.count
        let latencies = snapshot.latencies.filter { $0.ackedAt >= t0 && $0.ackedAt < t1 }.map(\.seconds)
        let elapsed = t1 - t0
        _ = coordinator.terminate()
        waitForShards(shards, timeout: 20)
        let rate = Double(completed) / elapsed
        let fsyncText = fsyncs.map { String(format: "%.1f", Double($0) / elapsed) } ?? "n/a"
        line(
            String(
                format: "N=%d: %.0f tasks/s (%.2f·N), coordinator CPU %.2f cores, RESULT→ACK p50 %.1f ms p99 %.1f ms max %.1f ms, "
                    + "journal fsyncs %@/s, harness CPU %.2f cores, reconnects %d (failed %d, poll errors %d), grid %d tasks started in %.1f s, load %@ → %@",
                workers, rate, rate / Double(workers), (cpu1 - cpu0) / elapsed, 1000 * percentile(latencies, 0.5),
                1000 * percentile(latencies, 0.99), 1000 * (latencies.max() ?? .nan), fsyncText, (harness1 - harness0) / elapsed,
                snapshot.reconnects, snapshot.failedReconnects, snapshot.pollErrors, tasks, startup, load0, load1))
        line(
            "{\"mode\":\"scale\",\"workers\":\(workers),\"tasks_per_s\":\(rate),\"coordinator_cores\":\((cpu1 - cpu0) / elapsed),"
                + "\"p50_ms\":\(1000 * percentile(latencies, 0.5)),\"p99_ms\":\(1000 * percentile(latencies, 0.99)),"
                + "\"fsyncs_per_s\":\(fsyncs.map { "\(Double($0) / elapsed)" } ?? "null"),\"harness_cores\":\((harness1 - harness0) / elapsed),"
                + "\"window_s\":\(elapsed),\"load_before\":\"\(load0)\",\"load_after\":\"\(load1)\"}")
    }
}

// MARK: - grid

func grid(_ options: Options) throws {
    let tasks = options.tasks ?? 100_000
    let workers = options.workers.last ?? 2000
    let folder = options.work + "/grid-\(tasks)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try writeSpec(folder + "/spec.toml", tasks: tasks, heartbeat: options.heartbeat)
    let endpoint = "tcp://127.0.0.1:\(options.port + 50)"
    line("# sweep-load grid: \(tasks) tasks, \(workers) simulated workers, tasks of \(options.taskSeconds) s; load \(loadAverage())")
    let coordinator = try CoordinatorProcess(
        eos: options.eos, spec: folder + "/spec.toml", endpoint: endpoint, out: folder + "/out",
        log: folder + "/coordinator.log")
    guard let startup = coordinator.waitUntilListening(timeout: 600) else {
        line("the coordinator did not start; see \(folder)/coordinator.log")
        _ = coordinator.terminate()
        return
    }
    line(String(format: "sweep start (expand and insert %d tasks, bind): %.2f s", tasks, startup))
    let metrics = LoadMetrics()
    let start = clock()
    let cpu0 = coordinator.cpuSeconds()
    let shards = try startShards(count: workers, shardCount: options.shards, endpoint: endpoint, options: options, metrics: metrics)
    var lastReport = start
    var cpu = 0.0  // sampled while it runs: /proc has nothing once it exited
    while coordinator.process.isRunning {
        Thread.sleep(forTimeInterval: 1)
        cpu = max(cpu, coordinator.cpuSeconds() - cpu0)
        if clock() - lastReport >= 10 {
            lastReport = clock()
            let done = metrics.state.withLock { $0.ackTimes.count }
            line(String(format: "  %.0f s: %d results ACKed; load %@", lastReport - start, done, loadAverage()))
        }
    }
    let runSeconds = clock() - start
    _ = coordinator.wait(timeout: 5)
    waitForShards(shards, timeout: 30)
    let journal = folder + "/out/journal.sqlite"
    let snapshot = metrics.state.withLock { $0 }
    line(
        String(
            format: "ran %d tasks in %.1f s (%.0f tasks/s), coordinator CPU %.1f s (its last second unsampled; exit status %d)",
            snapshot.ackTimes.count, runSeconds, Double(snapshot.ackTimes.count) / runSeconds, cpu,
            coordinator.process.terminationStatus))
    let finished = try SweepJournal.openReadOnly(path: journal)
    let records = try finished.tasks()
    let expired = try finished.events().filter { $0.kind == .leaseExpired }.count
    line(
        "tasks done \(records.filter { $0.state == .done }.count) of \(records.count), attempts ≠ 1: "
            + "\(records.filter { $0.attempts != 1 }.count), lease_expired \(expired); \(harnessHealth(snapshot))")
    let size = fileSize(journal) + fileSize(journal + "-wal")
    line(String(format: "journal: %.1f MB, %.0f bytes per task", Double(size) / 1e6, Double(size) / Double(tasks)))
    let status = run([options.eos, "status", journal], in: folder)
    line(String(format: "eos status: %.2f s (exit %d)", status.seconds, status.status))
    let csv = run([options.eos, "export", journal, "--format", "csv"], in: folder)
    line(String(format: "eos export --format csv: %.2f s (exit %d, %.1f MB)", csv.seconds, csv.status, Double(csv.bytes) / 1e6))
    let json = run([options.eos, "export", journal, "--format", "json"], in: folder)
    line(String(format: "eos export --format json: %.2f s (exit %d, %.1f MB)", json.seconds, json.status, Double(json.bytes) / 1e6))
    line("load after: \(loadAverage())")
}

/// The simulated workers' reconnects, and what went wrong in the harness itself (both should be 0).
func harnessHealth(_ snapshot: LoadMetrics.State) -> String {
    "worker reconnects \(snapshot.reconnects), failed reconnects \(snapshot.failedReconnects), harness poll errors \(snapshot.pollErrors)"
}

// MARK: - kill

func killAndRestart(_ options: Options) throws {
    let workers = options.workers.count == 1 ? options.workers[0] : 1000
    let tasks = options.tasks ?? 30_000
    let folder = options.work + "/kill-\(workers)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try writeSpec(folder + "/spec.toml", tasks: tasks, heartbeat: options.heartbeat)
    let endpoint = "tcp://127.0.0.1:\(options.port + 60)"
    line(
        "# sweep-load kill: \(workers) simulated workers, \(tasks) tasks of \(options.taskSeconds) s, kill -9 after \(options.killAfter) s")
    let first = try CoordinatorProcess(
        eos: options.eos, spec: folder + "/spec.toml", endpoint: endpoint, out: folder + "/out",
        log: folder + "/coordinator-1.log")
    guard first.waitUntilListening(timeout: 300) != nil else {
        line("the coordinator did not start")
        _ = first.terminate()
        return
    }
    let metrics = LoadMetrics()
    let shards = try startShards(count: workers, shardCount: options.shards, endpoint: endpoint, options: options, metrics: metrics)
    Thread.sleep(forTimeInterval: options.killAfter)
    let ackedBefore = metrics.state.withLock { $0.ackTimes.count }
    first.signal(SIGKILL)
    _ = first.wait(timeout: 10)
    let killedAt = clock()
    let journal = folder + "/out/journal.sqlite"
    let doneAtKill = (try? SweepJournal.openReadOnly(path: journal).counts().done) ?? -1
    line("killed (kill -9) after \(ackedBefore) ACKed results, \(doneAtKill) done in the journal; restarting")
    let second = try CoordinatorProcess(
        eos: options.eos, spec: folder + "/spec.toml", endpoint: endpoint, out: folder + "/out",
        log: folder + "/coordinator-2.log")
    guard let restart = second.waitUntilListening(timeout: 300) else {
        line("the restarted coordinator did not start")
        _ = second.terminate()
        return
    }
    line(String(format: "restarted in %.2f s", restart))
    while second.process.isRunning { Thread.sleep(forTimeInterval: 1) }
    let finishedAfter = clock() - killedAt
    waitForShards(shards, timeout: 30)
    let reader = try SweepJournal.openReadOnly(path: journal)
    let records = try reader.tasks()
    let events = try reader.events()
    let snapshot = metrics.state.withLock { $0 }
    let startedTwice = snapshot.started.filter { $0.value > 1 }
    let leases = Dictionary(grouping: events.filter { $0.kind == .taskLeased }, by: { $0.taskKey ?? "" }).mapValues(\.count)
    let kinds = Dictionary(grouping: events, by: \.kind.rawValue).mapValues(\.count)
    line(
        "after the restart: finished \(String(format: "%.1f", finishedAfter)) s after the kill (exit \(second.process.terminationStatus)); "
            + "tasks done \(records.filter { $0.state == .done }.count) of \(records.count), with a result "
            + "\(records.filter { $0.summaryJSON != nil }.count), attempts ≠ 1: \(records.filter { $0.attempts != 1 }.count); "
            + "started more than once on a worker: \(startedTwice.count); tasks leased more than once: "
            + "\(leases.values.filter { $0 > 1 }.count); events: late_result \(kinds["late_result"] ?? 0), "
            + "duplicate_result \(kinds["duplicate_result"] ?? 0), lease_expired \(kinds["lease_expired"] ?? 0), "
            + "task_given_back \(kinds["task_given_back"] ?? 0); \(harnessHealth(snapshot))")
}

let options = Options(CommandLine.arguments)
signal(SIGPIPE, SIG_IGN)
switch options.mode {
case "scale": try scale(options)
case "grid": try grid(options)
case "kill": try killAndRestart(options)
default: usage("unknown mode \(options.mode): scale, grid or kill")
}
