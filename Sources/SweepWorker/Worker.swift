import Foundation
import SweepProtocol
import ZeroMQTransport

/// A sweep worker process: the thin driver of a `WorkerStateMachine`. Its calling thread is the
/// network thread, which alone owns the DEALER socket; each task runs on a separate compute
/// thread, so heartbeats keep flowing while the task computes. The two threads meet only in a
/// `ComputeMailbox`. The rules are the machine's (docs/ARCHITECTURE.md §4); this loop polls the
/// socket, feeds the machine what arrived, the mailbox, the stop flag and the clock, and carries
/// out its actions.
public final class Worker {
    public let options: WorkerOptions
    private let runner: any TaskRunner
    private let log: @Sendable (String) -> Void

    public typealias Exit = WorkerExit

    /// Poll timeout of the network loop, in ms.
    static let pollMilliseconds = 25
    /// Socket linger on close, in ms, so the last RESULT, RETURN or DISCONNECT leaves. A socket
    /// abandoned on reconnect is closed with linger 0 instead (`WorkerAction.reconnect`).
    static let lingerMilliseconds: Int32 = 2_000

    public init(options: WorkerOptions, runner: any TaskRunner, log: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.runner = runner
        self.log = log
    }

    /// Connects and serves tasks until the sweep is finished, `stopRequested` returns true,
    /// the coordinator stays silent for `silenceTimeout`, or (local mode) the worker is orphaned.
    public func run(stopRequested: () -> Bool) throws(ZMQError) -> WorkerExit {
        let context = try ZMQContext()
        var socket = try connect(context)
        defer { socket.close() }
        var machine = WorkerStateMachine(
            identity: WorkerIdentity(options: options), silenceTimeout: options.silenceTimeout, now: MonotonicClock.now())
        var mailbox: ComputeMailbox?
        while true {
            var actions: [WorkerAction] = []
            if stopRequested() { actions += machine.requestStop(reason: "SIGTERM", now: MonotonicClock.now()) }
            if let parent = options.parentPID, getppid() != parent { actions += machine.parentGone(now: MonotonicClock.now()) }
            if let current = mailbox {
                if let progress = current.progress { machine.computeProgressed(progress) }
                if let outcome = current.outcome {
                    mailbox = nil
                    actions += machine.computeFinished(outcome, now: MonotonicClock.now())
                }
            }
            var poller = ZMQPoller()
            poller.register(socket)
            do {
                _ = try poller.poll(timeoutMilliseconds: actions.isEmpty ? Self.pollMilliseconds : 0)
            } catch  where error.kind == .interrupted {}
            while let frames = try socket.tryReceive() { actions += machine.receive(frames: frames, now: MonotonicClock.now()) }
            actions += machine.tick(now: MonotonicClock.now())
            for action in actions {
                switch action {
                case .send(let message):
                    do {
                        if try !socket.trySend(WorkerMessage.encode(message)) {
                            log("could not queue \(message.command.rawValue): the connection's queue is full")
                        }
                    } catch {
                        log("could not send \(message.command.rawValue): \(error.description)")
                    }
                case .startTask(let task):
                    mailbox = start(task)
                case .stopTask:
                    mailbox?.requestStop()
                case .reconnect:
                    // Linger 0: what is queued on the abandoned socket must not leave once the link is
                    // back. What already left it is the coordinator's to sort out by the session
                    // token and connection number in READY.
                    try? socket.set(.linger(milliseconds: 0))
                    socket.close()
                    socket = try connect(context)
                case .exit(let exit):
                    return exit
                case .log(let line):
                    log(line)
                }
            }
        }
    }

    private func connect(_ context: ZMQContext) throws(ZMQError) -> ZMQSocket {
        let socket = try ZMQSocket(.dealer, context: context)
        try socket.set(.linger(milliseconds: Self.lingerMilliseconds))
        if let curve = options.curve {
            try socket.enableCurveClient(serverKey: curve.serverKey, keyPair: curve.keyPair)
        }
        try socket.connect(options.endpoint)
        return socket
    }

    /// Starts `task` on a new compute thread; its progress and outcome arrive in the mailbox.
    private func start(_ task: CoordinatorMessage.TaskAssignment) -> ComputeMailbox {
        let mailbox = ComputeMailbox()
        let runner = runner
        let thread = Thread {
            let outcome = runner.run(
                task, progress: { mailbox.post(progress: $0) },
                shouldStop: { mailbox.stopRequested })
            mailbox.post(outcome: outcome)
        }
        thread.name = "compute \(task.taskKey.prefix(8))"
        thread.stackSize = 16 << 20
        thread.start()
        return mailbox
    }
}
