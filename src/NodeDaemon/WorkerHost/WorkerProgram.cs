using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using ParallelSharp.NodeDaemon.Compilation;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;

namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>
/// The main loop of a worker process: read frames from standard input (a burst of jobs arrives in one
/// read), run each job on this thread, and write each result to standard output before the next job starts.
/// </summary>
/// <remarks>
/// The worker exits when its input ends (the node closed the pipe or died) or when the process that
/// started it is gone, even while a job hangs (a watchdog thread checks), so no worker outlives its node.
/// </remarks>
internal sealed class WorkerProgram
{
    /// <summary>The verb that starts a worker: <c>ParallelSharp.NodeDaemon worker --parent-pid N</c>.</summary>
    public const string Verb = "worker";

    private readonly WorkerPackageLoader _loader = new();
    private readonly FrameWriter _writer;
    private readonly ArrayBufferWriter<byte> _resultBuffer = new(4096);
    private readonly Utf8JsonWriter _json;

    private WorkerProgram(FrameWriter writer)
    {
        _writer = writer;
        _json = new Utf8JsonWriter(_resultBuffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Runs the worker until its input ends. Returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        StartParentWatchdog(args);

        // Standard output carries frames: anything the user's code prints must go elsewhere.
        var output = Console.OpenStandardOutput();
        var input = Console.OpenStandardInput();
        Console.SetOut(Console.Error);

        var writer = new FrameWriter(output, autoFlush: false);
        var reader = new FrameReader(input, FrameLimits.DefaultMaxFrameLength);
        var program = new WorkerProgram(writer);
        SimpleMessages.WriteInt32(writer, FrameType.WorkerReady, Environment.ProcessId);
        await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);

        FrameHandler handler = program.OnFrame;
        try
        {
            // Each result is flushed before the next job starts: if that job kills the process, every earlier
            // result has already reached the node, which can then blame the right job. Jobs still arrive in batches.
            // Reads block this thread (standard input has no asynchronous reads on Unix; an async read would hand each
            // one to a thread-pool thread), and the writes to standard output complete synchronously.
            do
            {
                while (reader.TryDeliverOne(handler))
                    await writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            while (reader.ReadMore());
        }
        catch (IOException)
        {
            // The node closed our pipes: nothing left to do.
        }
        catch (ProtocolException ex)
        {
            await Console.Error.WriteLineAsync($"ParallelSharp worker {Environment.ProcessId}: {ex.Message}").ConfigureAwait(false);
            return 2;
        }

        return 0;
    }

    private void OnFrame(FrameType type, ReadOnlySpan<byte> body)
    {
        switch (type)
        {
            case FrameType.RunJob:
                RunJob(body);
                break;
            case FrameType.LoadPackage:
                var load = LoadPackageMessage.Read(body);
                _loader.Load(load.Handle, load.Key, load.Image, load.ReferencePaths);
                break;
            case FrameType.Heartbeat:
                SimpleMessages.WriteInt64(_writer, FrameType.HeartbeatAck, SimpleMessages.ReadInt64(body, "heartbeat"));
                break;
            case FrameType.Goodbye:
                Environment.Exit(0);
                break;
            default:
                throw new ProtocolException($"A worker does not accept {type} frames.");
        }
    }

    private void RunJob(ReadOnlySpan<byte> body)
    {
        RunJobMessage.Read(body, out var jobId, out var handle, out var flags, out _, out var payload);
        var started = Stopwatch.GetTimestamp();
        _resultBuffer.ResetWrittenCount();
        _json.Reset(_resultBuffer);
        JobResultStatus status;
        try
        {
            if (!_loader.TryGet(handle, out var package))
                throw new InvalidOperationException($"Package handle {handle} is not loaded in worker {Environment.ProcessId}; the node and worker disagree.");
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
                throw BindingError("The job's arguments are not a JSON array.");
            if ((flags & RunJobMessage.BatchFlag) != 0)
            {
                // A map chunk: an array of argument arrays in, an array of results out.
                _json.WriteStartArray();
                while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                    package.Invoker(ref reader, _json, PayloadJson.Options);
                _json.WriteEndArray();
            }
            else
            {
                package.Invoker(ref reader, _json, PayloadJson.Options);
            }

            _json.Flush();
            status = JobResultStatus.Succeeded;
        }
        catch (Exception ex)
        {
            status = JobEntryPointContract.IsArgumentBindingFailure(ex) ? JobResultStatus.BindingFailed : JobResultStatus.Failed;
            WriteError(ex);
        }

        var busyMicroseconds = (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        JobResultMessage.Write(_writer, jobId, status, busyMicroseconds, _resultBuffer.WrittenSpan);
    }

    private void WriteError(Exception ex)
    {
        _resultBuffer.ResetWrittenCount();
        _json.Reset(_resultBuffer);
        var error = new RemoteError(ex.GetType().FullName ?? ex.GetType().Name, ex.Message, ex.StackTrace ?? string.Empty);
        JsonSerializer.Serialize(_json, error, ProtocolJsonContext.Default.RemoteError);
        _json.Flush();
    }

    private static ArgumentException BindingError(string message)
    {
        var error = new ArgumentException(message);
        error.Data[JobEntryPointContract.ArgumentBindingDataKey] = true;
        return error;
    }

    private static void StartParentWatchdog(string[] args)
    {
        var index = Array.IndexOf(args, "--parent-pid");
        if (index < 0 || index + 1 >= args.Length || !int.TryParse(args[index + 1], out var parentId))
            return;
        Process parent;
        try
        {
            parent = Process.GetProcessById(parentId);
        }
        catch (ArgumentException)
        {
            Environment.Exit(0);
            return;
        }

        // A hanging job blocks the read loop, so end-of-input alone cannot tell us the node died.
        var thread = new Thread(() =>
        {
            parent.WaitForExit();
            Environment.Exit(0);
        })
        {
            IsBackground = true,
            Name = "psh-parent-watchdog",
        };
        thread.Start();
    }
}
