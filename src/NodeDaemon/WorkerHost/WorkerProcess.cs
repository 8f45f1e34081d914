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
        var worker = new WorkerProcess(number, process, events);
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(readyTimeout);
            var first = await worker._reader.ReadOneAsync(deadline.Token).ConfigureAwait(false);
            if (first is not { Type: FrameType.WorkerReady })
                throw new InvalidOperationException(
                    $"Worker process {process.Id} exited or sent {first?.Type.ToString() ?? "nothing"} instead of its ready signal.");
        }
        catch (Exception ex) when (ex is OperationCanceledException or ProtocolException or IOException or InvalidOperationException)
        {
            worker.Kill(null);
            await worker.Writer.DisposeAsync().ConfigureAwait(false);
            process.Dispose();
            if (ex is InvalidOperationException)
                throw;
            throw new InvalidOperationException($"Worker process {process.Id} did not become ready within {readyTimeout.TotalSeconds:0.#} s: {ex.Message}", ex);
        }

        // A thread of its own that blocks in the pipe's read: an anonymous pipe has no asynchronous reads on Unix, and
        // the thread pool would otherwise hand every read to a new thread (a wake-up per job).
        worker._readLoop = Task.Factory.StartNew(worker.ReadLoopAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        return worker;
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

    private async Task ReadLoopAsync()
    {
        Exception? error = null;
        FrameHandler handler = (type, body) => _events.OnWorkerFrame(this, type, body);
        try
        {
            // Frames that came with the ready signal are delivered first.
            do
            {
                _reader.DeliverBuffered(handler);
            }
            while (_reader.ReadMore());
        }
        catch (Exception ex) when (ex is IOException or ProtocolException or ObjectDisposedException)
        {
            error = ex;
        }
        catch (Exception ex)
        {
            // A supervisor bug must not leave the worker half-alive: kill it and report.
            error = ex;
            Kill(null);
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
