using System.Diagnostics;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>
/// The node's handle on one worker process: its pipes, the packages it holds and the jobs sent to it,
/// oldest first. The supervisor (<see cref="WorkerPool"/>) guards the mutable state with its own lock.
/// </summary>
internal sealed class WorkerProcess
{
    private readonly Process _process;
    private readonly FrameReader _reader;
    private readonly IWorkerEvents _events;
    private Task _readLoop = Task.CompletedTask;
    private volatile bool _abandoned;

    private WorkerProcess(int number, Process process, IWorkerEvents events)
    {
        Number = number;
        _process = process;
        _events = events;
        _reader = new FrameReader(process.StandardOutput.BaseStream, FrameLimits.DefaultMaxFrameLength);
        Writer = new FrameWriter(process.StandardInput.BaseStream);
    }

    /// <summary>A number unique within the node, for logs.</summary>
    public int Number { get; }

    /// <summary>The operating system's process id.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Frames to the worker.</summary>
    public FrameWriter Writer { get; }

    /// <summary>The packages the worker holds (mirrors the worker's own bounded set).</summary>
    public LoadedPackageSet LoadedPackages { get; } = new();

    /// <summary>Jobs sent and not yet answered, oldest (the running one) first.</summary>
    public Queue<DispatchedJob> Outstanding { get; } = new();

    /// <summary>When the oldest outstanding job started running (a <see cref="TimeProvider"/> timestamp).</summary>
    public long HeadStartedAt { get; set; }

    /// <summary>Set when the worker is to stop once its outstanding jobs are done (the worker count was lowered).</summary>
    public bool IsRetiring { get; set; }

    /// <summary>Why we killed the worker, if we did: the status its running job ends with.</summary>
    public JobResultStatus? KillStatus { get; private set; }

    /// <summary>Completes when the read loop has ended and the process has exited.</summary>
    public Task Completion => _readLoop;

    /// <summary>Starts a worker process and waits until it says it is ready.</summary>
    /// <exception cref="InvalidOperationException">The process could not start or never became ready.</exception>
    public static async Task<WorkerProcess> StartAsync(
        WorkerLauncher launcher, int number, IWorkerEvents events, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var process = Process.Start(launcher.CreateStartInfo())
            ?? throw new InvalidOperationException("The worker process could not be started.");
        var processId = process.Id;
        var worker = new WorkerProcess(number, process, events);
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // A thread of its own that blocks in the pipe's read, from the ready signal on. Never an asynchronous read, not
        // even for the ready signal: on Unix that registers the pipe with the socket engine and makes it non-blocking for
        // good, after which every read waits for the engine's thread to wake this one (two wake-ups per result instead
        // of one). The thread pool is no better: it would hand every read to a new thread.
        worker._readLoop = Task.Factory.StartNew(
            () => worker.ReadLoopAsync(ready), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        try
        {
            await ready.Task.WaitAsync(readyTimeout, cancellationToken).ConfigureAwait(false);
            return worker;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException or ProtocolException or IOException or InvalidOperationException)
        {
            // Given up: the read loop reports nothing for it, whatever it still reads.
            worker._abandoned = true;
            worker.Kill(null);
            try
            {
                // The read ends when the killed process's pipe closes; bounded in case something else holds it open.
                await worker._readLoop.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Its thread ends with the pipe; the worker is already disowned.
            }

            if (ex is InvalidOperationException)
                throw;
            var reason = ex is TimeoutException ? "the time ran out" : ex.Message;
            throw new InvalidOperationException($"Worker process {processId} did not become ready within {readyTimeout.TotalSeconds:0.#} s: {reason}", ex);
        }
    }

    /// <summary>Kills the process; its running job ends with <paramref name="status"/> (crash if null).</summary>
    public void Kill(JobResultStatus? status)
    {
        KillStatus ??= status;
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Exiting as we speak.
        }
    }

    /// <summary>Asks the worker to exit by closing its input; kills it if it does not within the grace period.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        await Writer.DisposeAsync().ConfigureAwait(false);
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Its end is already gone.
        }

        using var timeout = new CancellationTokenSource(grace);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(JobResultStatus.Cancelled);
        }

        await _readLoop.ConfigureAwait(false);
    }

    private async Task ReadLoopAsync(TaskCompletionSource ready)
    {
        Exception? error = null;
        FrameHandler readyHandler = (type, _) =>
        {
            if (type != FrameType.WorkerReady)
                throw new InvalidOperationException($"Worker process {ProcessId} sent {type} instead of its ready signal.");
            ready.TrySetResult();
        };
        FrameHandler handler = (type, body) => _events.OnWorkerFrame(this, type, body);
        try
        {
            // The ready signal first (read here too, see StartAsync); every later frame goes to the supervisor, the
            // ones that came with the ready signal included.
            while (!_reader.TryDeliverOne(readyHandler) && _reader.ReadMore())
            {
            }

            if (ready.Task.IsCompletedSuccessfully && !_abandoned)
            {
                do
                {
                    _reader.DeliverBuffered(handler);
                }
                while (_reader.ReadMore());
            }
        }
        catch (Exception ex) when (ex is IOException or ProtocolException or ObjectDisposedException)
        {
            error = ex;
        }
        catch (Exception ex)
        {
            // A supervisor bug (or a worker that is not ours) must not leave the worker half-alive: kill it and report.
            error = ex;
            Kill(null);
        }

        if (!ready.Task.IsCompletedSuccessfully || _abandoned)
        {
            // Never became ready (or StartAsync gave up on it): nobody else knows this worker, so report nothing.
            ready.TrySetException(error ?? new InvalidOperationException($"Worker process {ProcessId} exited before its ready signal."));
            Kill(null);
            await Writer.DisposeAsync().ConfigureAwait(false);
            _process.Dispose();
            return;
        }

        int? exitCode = null;
        try
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
            exitCode = _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            // Output closed but the process lingers: it is useless to us now.
            Kill(null);
        }

        await Writer.DisposeAsync().ConfigureAwait(false);
        _events.OnWorkerExited(this, exitCode, error);
        _process.Dispose();
    }
}
