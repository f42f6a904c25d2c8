import CEpoll
import Foundation
import SweepProtocol
import SweepWorker
import Synchronization
import ZeroMQTransport

/// What the simulated workers saw, shared by the shards (each shard adds under the lock).
final class LoadMetrics: Sendable {
    struct State {
        /// RESULT → ACK seconds, with the ACK's time.
        var latencies: [(ackedAt: Double, seconds: Double)] = []
        /// Times of the first ACK of each task.
        var ackTimes: [Double] = []
        /// How often each task was started on a simulated worker.
        var started: [String: Int] = [:]
        var reconnects = 0
        /// Reconnects that could not open a new socket, and polls that failed (each should stay 0).
        var failedReconnects = 0
        var pollErrors = 0
        var exits: [WorkerExit] = []
    }

    let state = Mutex(State())
}

/// `count` simulated workers on one thread: each is a real `WorkerStateMachine` with its own
/// DEALER socket to the coordinator; the compute is fake (a valid result `taskSeconds` after the
/// TASK). One event loop waits on all the sockets (epoll), feeds the machines and carries out
/// their actions exactly as `Worker` does.
final class Shard: @unchecked Sendable {
    private struct Simulated {
        var machine: WorkerStateMachine
        var socket: ZMQSocket
        var computeUntil: Double?
        var resultSentAt: [String: Double] = [:]
        var exited = false
    }

    let endpoint: String
    let taskSeconds: Double
    /// Workers started per second: a real allocation's workers do not all start in one instant,
    /// and a thousand READYs at once would measure the start, not the steady state.
    let rampRate: Double
    let metrics: LoadMetrics
    private let context: ZMQContext
    private var workers: [Simulated] = []
    private let stop = Atomic<Bool>(false)
    private let finished = Atomic<Bool>(false)
    let clock: @Sendable () -> Double

    /// A valid run record and trace, as a fast run of the digits MLP would hand in.
    static let summary = """
        {"status":"completed","stop_reason":"steps","steps_done":100,"two_over_eta":20.0,"sharpness_at":"iterate",\
        "eos_step":null,"sharpness_ratio_median":null,"max_sharpness":3.5,"final_loss":0.0183,"final_accuracy":0.5}
        """
    static let files = ["trace.csv": "step,loss,accuracy\n0,2.31,0.1\n50,0.41,0.4\n100,0.0183,0.5\n"]

    init(
        index: Int, count: Int, endpoint: String, taskSeconds: Double, heartbeat: Double, rampRate: Double, metrics: LoadMetrics,
        clock: @escaping @Sendable () -> Double
    ) throws {
        self.endpoint = endpoint
        self.taskSeconds = taskSeconds
        self.rampRate = rampRate
        self.metrics = metrics
        self.clock = clock
        // A socket per worker, and a reconnecting worker's new one opens while its old one is
        // being reaped: libzmq's default of 1023 sockets per context would refuse them.
        context = try ZMQContext(maxSockets: Int32(2 * count + 64))
        let now = clock()
        for i in 0..<count {
            let identity = WorkerIdentity(name: "sim-\(index)-\(i)", host: "loadhost", pid: 100_000 + index * 10_000 + i, threads: 1)
            workers.append(
                Simulated(
                    machine: WorkerStateMachine(
                        identity: identity, silenceTimeout: 600, now: now, heartbeatInterval: heartbeat, liveness: 3),
                    socket: try Self.connect(context, endpoint)))
        }
    }

    private static func connect(_ context: ZMQContext, _ endpoint: String) throws -> ZMQSocket {
        let socket = try ZMQSocket(.dealer, context: context)
        try socket.set(.linger(milliseconds: 0))
        try socket.connect(endpoint)
        return socket
    }

    func requestStop() { stop.store(true, ordering: .relaxed) }
    var isFinished: Bool { finished.load(ordering: .relaxed) }

    /// Computes in the order they end (every one lasts `taskSeconds`): (end, worker index).
    private var computes: [(until: Double, worker: Int)] = []
    private var nextCompute = 0
    /// Seconds between the starts of two waits at least (a RESULT→ACK measured here may be late by as much).
    static let minimumPollInterval = 0.005
    /// Workers whose sockets may hold messages: signalled by epoll, or sent to (a send may take
    /// the descriptor's signal), each listed once.
    private var toDrain: [Int] = []
    private var listedToDrain: [Bool] = []
    /// The shard's epoll descriptor while `run` runs.
    private var epoll: Int32 = -1

    /// The event loop; returns once every worker exited, or after a stop request. Workers start
    /// `rampRate` a second: until its turn a worker sends nothing and is not watched.
    ///
    /// One epoll waits on the workers' `ZMQ_FD`s and reports only the sockets that signalled: a
    /// `zmq_poll` looked at every socket of the shard each time, which at 1,000 sockets a shard
    /// was a third of the harness's CPU, taken from the coordinator it measures.
    func run() {
        defer { finished.store(true, ordering: .relaxed) }
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epoll >= 0 else {
            metrics.state.withLock { $0.pollErrors += 1 }
            return
        }
        defer { close(epoll) }
        listedToDrain = Array(repeating: false, count: workers.count)
        var lastTick = -Double.infinity
        var running = workers.count
        let startedAt = clock()
        var active = 0
        var lastPoll = -Double.infinity
        var events = [epoll_event](repeating: epoll_event(), count: 512)
        while !stop.load(ordering: .relaxed), running > 0 {
            let due = min(workers.count, Int((clock() - startedAt) * rampRate) + 1)
            if due != active {
                // A worker's clock starts with its turn, as a real worker's with its process: made
                // at the shard's start, its coordinator silence would count the wait for its turn.
                let now = clock()
                for i in active..<due {
                    workers[i].machine = workers[i].machine.restarted(now: now)
                    watch(i)
                }
                active = due
            }
            // At most one wait every `minimumPollInterval`, so that under load each finds many
            // messages waiting instead of one.
            let sincePoll = clock() - lastPoll
            if sincePoll < Self.minimumPollInterval { usleep(UInt32((Self.minimumPollInterval - sincePoll) * 1e6)) }
            lastPoll = clock()
            let wait = max(0, min(0.01, (nextCompute < computes.count ? computes[nextCompute].until : .infinity) - clock()))
            let count = epoll_wait(epoll, &events, Int32(events.count), Int32(wait * 1000))
            if count < 0, errno != EINTR { metrics.state.withLock { $0.pollErrors += 1 } }
            for event in events.prefix(max(0, Int(count))) { listToDrain(Int(event.data.u64)) }
            drainListed()
            let now = clock()
            while nextCompute < computes.count, computes[nextCompute].until <= now {
                let (until, i) = computes[nextCompute]
                nextCompute += 1
                // A compute stopped, or replaced by a later one, has ended already.
                guard !workers[i].exited, workers[i].computeUntil == until else { continue }
                workers[i].computeUntil = nil
                let outcome = TaskOutcome.result(summaryJSON: Self.summary, files: Self.files, resumedFromCheckpoint: false)
                perform(i, workers[i].machine.computeFinished(outcome, now: now), now: now)
                perform(i, workers[i].machine.tick(now: now), now: now)
            }
            if nextCompute > 4096 {
                computes.removeFirst(nextCompute)
                nextCompute = 0
            }
            if now - lastTick >= 0.05 {
                lastTick = now
                for i in 0..<active where !workers[i].exited { perform(i, workers[i].machine.tick(now: now), now: now) }
                running = workers.count(where: { !$0.exited })
            }
            drainListed()
        }
        for worker in workers { worker.socket.close() }
    }

    /// Watches worker `i`'s current socket.
    private func watch(_ i: Int) {
        guard let descriptor = try? workers[i].socket.notificationDescriptor() else {
            metrics.state.withLock { $0.pollErrors += 1 }
            return
        }
        var event = epoll_event(events: EPOLLIN.rawValue, data: epoll_data_t(u64: UInt64(i)))
        guard epoll_ctl(epoll, EPOLL_CTL_ADD, descriptor, &event) == 0 else {
            metrics.state.withLock { $0.pollErrors += 1 }
            return
        }
        listToDrain(i)
    }

    /// Stops watching worker `i`'s socket: before it is closed, since its descriptor's number may
    /// be reused at once.
    private func unwatch(_ i: Int) {
        if let descriptor = try? workers[i].socket.notificationDescriptor() { epoll_ctl(epoll, EPOLL_CTL_DEL, descriptor, nil) }
    }

    private func listToDrain(_ i: Int) {
        guard !listedToDrain[i] else { return }
        listedToDrain[i] = true
        toDrain.append(i)
    }

    /// Receives every waiting message of the listed workers (a worker sent to while being drained
    /// is listed again and drained once more).
    private func drainListed() {
        while let i = toDrain.popLast() {
            listedToDrain[i] = false
            while !workers[i].exited, let frames = try? workers[i].socket.tryReceive() {
                let now = clock()
                let message: CoordinatorMessage
                do {
                    message = try CoordinatorMessage.decode(frames: frames)
                } catch {
                    perform(i, workers[i].machine.receiveMalformed(error, now: now), now: now)
                    continue
                }
                if case .ack(let key) = message, let sent = workers[i].resultSentAt.removeValue(forKey: key) {
                    metrics.state.withLock {
                        $0.latencies.append((now, now - sent))
                        $0.ackTimes.append(now)
                    }
                }
                perform(i, workers[i].machine.receive(message, now: now), now: now)
                perform(i, workers[i].machine.tick(now: now), now: now)
            }
        }
    }

    private func perform(_ i: Int, _ actions: [WorkerAction], now: Double) {
        for action in actions {
            switch action {
            case .send(let message):
                if case .result(let result) = message, workers[i].resultSentAt[result.taskKey] == nil {
                    workers[i].resultSentAt[result.taskKey] = now
                }
                _ = try? workers[i].socket.trySend(WorkerMessage.encode(message))
                listToDrain(i)
            case .startTask(let task):
                workers[i].computeUntil = now + taskSeconds
                computes.append((now + taskSeconds, i))
                metrics.state.withLock { $0.started[task.taskKey, default: 0] += 1 }
            case .stopTask:
                workers[i].computeUntil = nil
                perform(i, workers[i].machine.computeFinished(.stopped, now: now), now: now)
            case .reconnect:
                // The new socket first: a worker that cannot get one keeps the old (still open and
                // watched) and the failure is counted.
                if let socket = try? Self.connect(context, endpoint) {
                    unwatch(i)
                    workers[i].socket.close()
                    workers[i].socket = socket
                    watch(i)
                    metrics.state.withLock { $0.reconnects += 1 }
                } else {
                    metrics.state.withLock { $0.failedReconnects += 1 }
                }
            case .exit(let exit):
                workers[i].exited = true
                metrics.state.withLock { $0.exits.append(exit) }
            case .log:
                break
            }
        }
    }
}

extension WorkerStateMachine {
    /// The same worker before its first step, its clock starting at `now`.
    fileprivate func restarted(now: Double) -> WorkerStateMachine {
        WorkerStateMachine(
            identity: identity, silenceTimeout: silenceTimeout, now: now, heartbeatInterval: heartbeatInterval, liveness: liveness)
    }
}
