using System.Buffers.Binary;
using System.Text.Json;
using System.Threading.Channels;
using ParallelSharp.Nodes;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Handshake;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;
using ParallelSharp.Protocol.Transport;

namespace ParallelSharp.JobServerTests.Infrastructure;

/// <summary>
/// A node daemon played by the test, one step at a time, over an in-memory <see cref="DuplexStream"/> pair: it runs
/// the real node handshake, then queues every frame the job server sends (decoded) for the test to take, and sends
/// whatever the test tells it to — results of any status, capacity changes, heartbeat answers, statistics — or hangs up.
/// </summary>
/// <remarks>
/// Its one synchronization primitive is the <em>fence</em>: the server's own statistics request. Frames on a connection
/// are handled in order, so once the server has received the reply to a fence, it has handled everything the fake sent
/// before it; and the request of a fence made after that arrives behind everything the server sent as a consequence.
/// </remarks>
internal sealed class FakeNode : IAsyncDisposable
{
    private readonly DuplexStream _stream;
    private readonly FrameReader _reader;
    private readonly FrameWriter _writer;
    private readonly Channel<NodeFrame> _frames = Channel.CreateUnbounded<NodeFrame>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<DefinePackageFrame> _packages = [];
    private readonly CancellationTokenSource _closing = new();
    private Task _readLoop = Task.CompletedTask;
    private long _pings;
    private int _closed;

    private FakeNode(DuplexStream stream, NodeInfo info)
    {
        _stream = stream;
        _reader = new FrameReader(stream, FrameLimits.HandshakeMaxFrameLength);
        _writer = new FrameWriter(stream);
        Info = info;
    }

    /// <summary>What the node said of itself in the handshake.</summary>
    public NodeInfo Info { get; }

    public string NodeId => Info.NodeId;

    /// <summary>The job server's end of this node's connection.</summary>
    public NodeConnection Connection { get; private set; } = null!;

    /// <summary>Completes when the job server's end closed the connection.</summary>
    public Task Ended => _ended.Task;

    /// <summary>The package definitions skipped by <see cref="ReceiveJobAsync"/>, in arrival order.</summary>
    public IReadOnlyList<DefinePackageFrame> Packages => _packages;

    /// <summary>
    /// Creates a fake node and connects it: <paramref name="connect"/> gets the server's end of the stream and returns
    /// the connection the server made on it (run the real client handshake there).
    /// </summary>
    public static async Task<FakeNode> ConnectAsync(string nodeId, int workers, string? secret, string cluster, Func<Stream, Task<NodeConnection>> connect)
    {
        var (serverEnd, nodeEnd) = DuplexStream.CreatePair();
        var info = new NodeInfo(nodeId, cluster, workers, "linux", "x64", workers, "test");
        var node = new FakeNode(nodeEnd, info);
        var handshake = NodeHandshake.RunAsync(node._reader, node._writer, secret, info, CancellationToken.None);
        node.Connection = await connect(serverEnd).Within($"node {nodeId}: the server's side of the handshake");
        await handshake.Within($"node {nodeId}: the node's side of the handshake");
        node._reader.MaxFrameLength = FrameLimits.DefaultMaxFrameLength;
        node._readLoop = Task.Run(node.ReadLoopAsync);
        return node;
    }

    private async Task ReadLoopAsync()
    {
        try
        {
            while (await _reader.ReadOneAsync(_closing.Token) is { } frame)
                _frames.Writer.TryWrite(NodeFrame.Parse(frame.Type, frame.Body));
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException or ProtocolException)
        {
            // Our own end was closed under the read, or the server's end vanished mid-frame: either way the connection is over.
        }
        finally
        {
            _frames.Writer.TryComplete();
            _ended.TrySetResult();
        }
    }

    /// <summary>Takes the next frame the server sent.</summary>
    public async Task<NodeFrame> ReceiveAsync(string phase)
    {
        try
        {
            return await _frames.Reader.ReadAsync().AsTask().Within($"node {NodeId}: {phase}");
        }
        catch (ChannelClosedException)
        {
            Assert.Fail($"node {NodeId}: {phase}: the connection ended instead of a frame arriving.");
            throw;
        }
    }

    /// <summary>Takes the next frame, which must be a <typeparamref name="T"/>.</summary>
    public async Task<T> ReceiveAsync<T>(string phase)
        where T : NodeFrame
    {
        var frame = await ReceiveAsync(phase);
        return frame as T ?? throw new Xunit.Sdk.XunitException($"node {NodeId}: {phase}: expected a {typeof(T).Name}, got {frame}.");
    }

    /// <summary>Takes the next RunJob, recording (in <see cref="Packages"/>) the package definitions before it. Any other frame fails the test.</summary>
    public async Task<RunJobFrame> ReceiveJobAsync(string phase)
    {
        while (true)
        {
            var frame = await ReceiveAsync(phase);
            switch (frame)
            {
                case RunJobFrame job:
                    return job;
                case DefinePackageFrame package:
                    _packages.Add(package);
                    break;
                default:
                    throw new Xunit.Sdk.XunitException($"node {NodeId}: {phase}: expected a RunJob frame, got {frame}.");
            }
        }
    }

    /// <summary>Takes the next <paramref name="count"/> RunJob frames.</summary>
    public async Task<IReadOnlyList<RunJobFrame>> ReceiveJobsAsync(int count, string phase)
    {
        var jobs = new List<RunJobFrame>();
        for (var i = 0; i < count; i++)
            jobs.Add(await ReceiveJobAsync($"{phase} (job {i + 1} of {count})"));
        return jobs;
    }

    /// <summary>
    /// Two fences in a row: when this returns, the server has handled everything this node sent before the call, and
    /// the returned list holds every frame the server sent meanwhile (package definitions are also recorded).
    /// </summary>
    public async Task<IReadOnlyList<NodeFrame>> SettleAsync(string phase)
    {
        var frames = new List<NodeFrame>();
        await FenceAsync(frames, $"{phase} (first fence)");
        await FenceAsync(frames, $"{phase} (second fence)");
        foreach (var package in frames.OfType<DefinePackageFrame>())
            _packages.Add(package);
        return frames;
    }

    /// <summary>Settles, and fails the test if the server sent anything meanwhile.</summary>
    public async Task AssertQuietAsync(string phase)
    {
        var frames = await SettleAsync(phase);
        Assert.True(frames.Count == 0, $"node {NodeId}: {phase}: expected no frame from the server, got {string.Join(", ", frames)}.");
    }

    /// <summary>Settles and returns the RunJob frames the server sent meanwhile; any other frame but a package definition fails the test.</summary>
    public async Task<IReadOnlyList<RunJobFrame>> SettleJobsAsync(string phase)
    {
        var frames = await SettleAsync(phase);
        var unexpected = frames.Where(f => f is not RunJobFrame and not DefinePackageFrame).ToList();
        Assert.True(unexpected.Count == 0, $"node {NodeId}: {phase}: expected only jobs, got {string.Join(", ", unexpected)}.");
        return frames.OfType<RunJobFrame>().ToList();
    }

    private async Task FenceAsync(List<NodeFrame> before, string phase)
    {
        var stats = Connection.RequestStatisticsAsync(CancellationToken.None);
        while (true)
        {
            var frame = await ReceiveAsync(phase);
            if (frame is StatsRequestFrame request)
            {
                await SendStatsReplyAsync(request.RequestId, new NodeStatsReport(Info.Workers, 0, 0, 0, 0, 0));
                break;
            }

            before.Add(frame);
        }

        await stats.Within($"node {NodeId}: {phase}: the server reading the statistics reply");
    }

    /// <summary>
    /// Sends a heartbeat of the node's own and waits for the server's answer: the server has then handled everything
    /// sent before. Returns the frames the server sent before its answer.
    /// </summary>
    public async Task<IReadOnlyList<NodeFrame>> PingAsync(string phase)
    {
        var value = Interlocked.Increment(ref _pings);
        await SendAsync(w => SimpleMessages.WriteInt64(w, FrameType.Heartbeat, value));
        var before = new List<NodeFrame>();
        while (true)
        {
            var frame = await ReceiveAsync($"{phase} (the answer to ping {value})");
            if (frame is HeartbeatAckFrame ack && ack.Value == value)
                return before;
            before.Add(frame);
        }
    }

    /// <summary>Appends frames with <paramref name="write"/> and waits until they are on the wire.</summary>
    public async Task SendAsync(Action<FrameWriter> write)
    {
        write(_writer);
        await _writer.FlushAsync(CancellationToken.None).Within($"node {NodeId}: sending");
    }

    /// <summary>Appends frames with <paramref name="write"/> and sends their bytes one at a time, each flushed on its own.</summary>
    public async Task SendSplitAtEveryByteAsync(Action<FrameWriter> write)
    {
        using var buffer = new MemoryStream();
        var staging = new FrameWriter(buffer, autoFlush: false);
        write(staging);
        await staging.FlushAsync(CancellationToken.None);
        await staging.DisposeAsync();
        await _writer.FlushAsync(CancellationToken.None).Within($"node {NodeId}: flushing before a split send");
        foreach (var b in buffer.ToArray())
        {
            await _stream.WriteAsync(new[] { b }).Within($"node {NodeId}: writing one byte");
            await _stream.FlushAsync().Within($"node {NodeId}: flushing one byte");
        }
    }

    /// <summary>Sends a job result with a raw payload.</summary>
    public Task SendResultAsync(long jobId, JobResultStatus status, byte[] payload, long busyMicroseconds = 0) =>
        SendAsync(w => JobResultMessage.Write(w, jobId, status, busyMicroseconds, payload));

    /// <summary>Sends a successful result: <paramref name="value"/> as the payload JSON.</summary>
    public Task SendSucceededAsync<T>(long jobId, T value, long busyMicroseconds = 0) =>
        SendResultAsync(jobId, JobResultStatus.Succeeded, JsonSerializer.SerializeToUtf8Bytes(value, PayloadJson.Options), busyMicroseconds);

    /// <summary>Sends a failed result of the given status with a <see cref="RemoteError"/> payload.</summary>
    public Task SendErrorAsync(long jobId, JobResultStatus status, RemoteError error) =>
        SendResultAsync(jobId, status, JsonSerializer.SerializeToUtf8Bytes(error, ProtocolJsonContext.Default.RemoteError));

    /// <summary>Reports a new worker count.</summary>
    public Task SendNodeStatusAsync(int workers) => SendAsync(w => SimpleMessages.WriteInt32(w, FrameType.NodeStatus, workers));

    /// <summary>Answers a server heartbeat.</summary>
    public Task SendHeartbeatAckAsync(long value) => SendAsync(w => SimpleMessages.WriteInt64(w, FrameType.HeartbeatAck, value));

    /// <summary>Answers a statistics request.</summary>
    public Task SendStatsReplyAsync(uint requestId, NodeStatsReport report) =>
        SendAsync(w => TaggedJsonMessage.Write(w, FrameType.StatsReply, requestId, report, ProtocolJsonContext.Default.NodeStatsReport));

    /// <summary>Hangs up cleanly: the server reads the end of the stream.</summary>
    public async Task CloseAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        await _writer.DisposeAsync();
        await _closing.CancelAsync();
        await _stream.DisposeAsync();
        await _readLoop.Within($"node {NodeId}: its read loop ending after the close");
        _closing.Dispose();
    }

    /// <summary>Hangs up in the middle of a frame: the server reads a truncated frame (a protocol error).</summary>
    public async Task BreakAsync()
    {
        var partial = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(partial, 64);
        partial[4] = (byte)FrameType.JobResult;
        await _writer.FlushAsync(CancellationToken.None).Within($"node {NodeId}: flushing before the break");
        await _stream.WriteAsync(partial).Within($"node {NodeId}: writing half a frame");
        await CloseAsync();
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}
