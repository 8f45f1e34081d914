using System.Text;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Tests.Infrastructure;

namespace ParallelSharp.Protocol.Tests.Messages;

public class JobMessageTests
{
    private const int RunJobHeaderLength = 8 + 4 + 1 + 4;
    private const int JobResultHeaderLength = 8 + 1 + 8;

    public static TheoryData<long, uint, byte, uint, int> RunJobCases => new()
    {
        { 1, 1, 0, 0, 0 },
        { 2, 7, RunJobMessage.BatchFlag, 30_000, 0 },
        { 3, 7, RunJobMessage.BatchFlag, 30_000, 1_000 },
        { long.MaxValue, uint.MaxValue, 0xFF, uint.MaxValue, 17 },
        { long.MinValue, 0, 0, 1, 1024 * 1024 },
    };

    [Theory]
    [MemberData(nameof(RunJobCases))]
    public async Task RunJob_WrittenThenRead_RoundTripsEveryField(long jobId, uint handle, byte flags, uint timeout, int payloadLength)
    {
        var payload = new byte[payloadLength];
        new Random(payloadLength).NextBytes(payload);
        var frame = await FrameBytes.RoundTripAsync(w => RunJobMessage.Write(w, jobId, handle, flags, timeout, payload));

        RunJobMessage.Read(frame.Body, out var readId, out var readHandle, out var readFlags, out var readTimeout, out var readPayload);

        Assert.Equal(FrameType.RunJob, frame.Type);
        Assert.Equal(RunJobHeaderLength + payloadLength, frame.Body.Length);
        Assert.Equal((jobId, handle, flags, timeout), (readId, readHandle, readFlags, readTimeout));
        Assert.Equal(payload, readPayload.ToArray());
    }

    [Fact]
    public async Task RunJobRead_BodyShorterThanItsFixedFields_ThrowsProtocolException()
    {
        var body = (await FrameBytes.RoundTripAsync(w => RunJobMessage.Write(w, 1, 2, 0, 3, "[1]"u8))).Body;

        foreach (var prefix in WireBytes.Prefixes(body[..RunJobHeaderLength]))
            Assert.Throws<ProtocolException>(() => RunJobMessage.Read(prefix, out _, out _, out _, out _, out _));
    }

    public static TheoryData<JobResultStatus> Statuses => [.. Enum.GetValues<JobResultStatus>()];

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task JobResult_EveryStatus_RoundTrips(JobResultStatus status)
    {
        var payload = Encoding.UTF8.GetBytes($"{{\"status\":\"{status}\"}}");
        var frame = await FrameBytes.RoundTripAsync(w => JobResultMessage.Write(w, 99, status, 123_456, payload));

        JobResultMessage.Read(frame.Body, out var jobId, out var readStatus, out var busy, out var readPayload);

        Assert.Equal(FrameType.JobResult, frame.Type);
        Assert.Equal((99L, status, 123_456L), (jobId, readStatus, busy));
        Assert.Equal(payload, readPayload.ToArray());
    }

    [Fact]
    public async Task JobResult_EmptyPayloadAndExtremeValues_RoundTrips()
    {
        var frame = await FrameBytes.RoundTripAsync(w => JobResultMessage.Write(w, long.MinValue, JobResultStatus.Rejected, long.MaxValue, []));

        JobResultMessage.Read(frame.Body, out var jobId, out var status, out var busy, out var payload);

        Assert.Equal(JobResultHeaderLength, frame.Body.Length);
        Assert.Equal((long.MinValue, JobResultStatus.Rejected, long.MaxValue), (jobId, status, busy));
        Assert.True(payload.IsEmpty);
    }

    [Theory]
    [InlineData(8)]
    [InlineData(0x7F)]
    [InlineData(0xFF)]
    public void JobResultRead_UnknownStatus_ThrowsProtocolExceptionNamingIt(byte status)
    {
        var body = WireBytes.Build(w =>
        {
            w.WriteInt64(5);
            w.WriteByte(status);
            w.WriteInt64(0);
        });

        var ex = Assert.Throws<ProtocolException>(() => JobResultMessage.Read(body, out _, out _, out _, out _));

        Assert.Equal($"A job result has the unknown status {status}.", ex.Message);
    }

    [Fact]
    public async Task JobResultRead_BodyShorterThanItsFixedFields_ThrowsProtocolException()
    {
        var body = (await FrameBytes.RoundTripAsync(w => JobResultMessage.Write(w, 1, JobResultStatus.Failed, 2, "{}"u8))).Body;

        foreach (var prefix in WireBytes.Prefixes(body[..JobResultHeaderLength]))
            Assert.Throws<ProtocolException>(() => JobResultMessage.Read(prefix, out _, out _, out _, out _));
    }

    [Theory]
    [InlineData(FrameType.CancelJob, 0L)]
    [InlineData(FrameType.Heartbeat, long.MaxValue)]
    [InlineData(FrameType.HeartbeatAck, long.MinValue)]
    public async Task SimpleInt64_WrittenThenRead_RoundTrips(FrameType type, long value)
    {
        var frame = await FrameBytes.RoundTripAsync(w => SimpleMessages.WriteInt64(w, type, value));

        Assert.Equal(type, frame.Type);
        Assert.Equal(value, SimpleMessages.ReadInt64(frame.Body, "test"));
    }

    [Theory]
    [InlineData(FrameType.SetWorkers, 0)]
    [InlineData(FrameType.NodeStatus, int.MaxValue)]
    [InlineData(FrameType.WorkerReady, -1)]
    public async Task SimpleInt32_WrittenThenRead_RoundTrips(FrameType type, int value)
    {
        var frame = await FrameBytes.RoundTripAsync(w => SimpleMessages.WriteInt32(w, type, value));

        Assert.Equal(type, frame.Type);
        Assert.Equal(value, SimpleMessages.ReadInt32(frame.Body, "test"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("the job server is shutting down")]
    [InlineData("Ünïcödé 🚀")]
    public async Task SimpleString_WrittenThenRead_RoundTrips(string value)
    {
        var frame = await FrameBytes.RoundTripAsync(w => SimpleMessages.WriteString(w, FrameType.Goodbye, value));

        Assert.Equal(FrameType.Goodbye, frame.Type);
        Assert.Equal(value, SimpleMessages.ReadString(frame.Body, "goodbye"));
    }

    [Fact]
    public void SimpleRead_WrongLengths_ThrowProtocolExceptionNamingTheFrame()
    {
        Assert.Throws<ProtocolException>(() => SimpleMessages.ReadInt64(new byte[7], "heartbeat"));
        Assert.Throws<ProtocolException>(() => SimpleMessages.ReadInt32(new byte[3], "set-workers"));
        Assert.Throws<ProtocolException>(() => SimpleMessages.ReadString([5, 0, 0, 0, 65], "goodbye"));
        var ex64 = Assert.Throws<ProtocolException>(() => SimpleMessages.ReadInt64(new byte[9], "heartbeat"));
        var ex32 = Assert.Throws<ProtocolException>(() => SimpleMessages.ReadInt32(new byte[6], "set-workers"));
        var exString = Assert.Throws<ProtocolException>(() => SimpleMessages.ReadString([1, 0, 0, 0, 65, 66], "goodbye"));

        Assert.Contains("heartbeat frame has 1", ex64.Message, StringComparison.Ordinal);
        Assert.Contains("set-workers frame has 2", ex32.Message, StringComparison.Ordinal);
        Assert.Contains("goodbye frame has 1", exString.Message, StringComparison.Ordinal);
    }
}
