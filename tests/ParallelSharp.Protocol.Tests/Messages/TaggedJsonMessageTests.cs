using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;
using ParallelSharp.Protocol.Tests.Infrastructure;

namespace ParallelSharp.Protocol.Tests.Messages;

public class TaggedJsonMessageTests
{
    private static readonly NodeInfo s_info = new("node-1", "blue", 4, "linux", "X64", 8, "0.1.0");

    private static byte[] Tagged(uint tag, string json) => Tagged(tag, Encoding.UTF8.GetBytes(json));

    private static byte[] Tagged(uint tag, byte[] json) => WireBytes.Build(w =>
    {
        w.WriteUInt32(tag);
        w.WriteRaw(json);
    });

    [Fact]
    public async Task Welcome_NodeInfo_RoundTripsWithItsTag()
    {
        var frame = await FrameBytes.RoundTripAsync(w => TaggedJsonMessage.Write(w, FrameType.Welcome, 0, s_info, ProtocolJsonContext.Default.NodeInfo));

        var info = TaggedJsonMessage.Read(frame.Body, ProtocolJsonContext.Default.NodeInfo, out var tag);

        Assert.Equal(FrameType.Welcome, frame.Type);
        Assert.Equal(0u, tag);
        Assert.Equal(s_info, info);
        using var json = JsonDocument.Parse(frame.Body.AsMemory(4));
        Assert.Equal("node-1", json.RootElement.GetProperty("NodeId").GetString());
    }

    [Fact]
    public async Task DefinePackage_JobPackage_RoundTripsWithItsKey()
    {
        var package = new JobPackage(
            JobPackageKind.Method,
            [new SourceDocument("Primes.cs", "namespace P; public static class Primes { public static int Sum(int n) => n; }"), new SourceDocument("Util.cs", "// ü\r\n")],
            "P.Primes",
            "Sum",
            ["System", "System.Linq"],
            [new AssemblyReference("Lib", new string('a', 64), 1234)]);
        var frame = await FrameBytes.RoundTripAsync(w => TaggedJsonMessage.Write(w, FrameType.DefinePackage, uint.MaxValue, package, ProtocolJsonContext.Default.JobPackage));

        var read = TaggedJsonMessage.Read(frame.Body, ProtocolJsonContext.Default.JobPackage, out var handle);

        Assert.Equal(uint.MaxValue, handle);
        Assert.Equal(package.Key, read.Key);
        Assert.Equal(package.Kind, read.Kind);
        Assert.Equal(package.Sources, read.Sources);
        Assert.Equal(package.EntryType, read.EntryType);
        Assert.Equal(package.EntryMethod, read.EntryMethod);
        Assert.Equal(package.Usings, read.Usings);
        Assert.Equal(package.References, read.References);
    }

    [Fact]
    public async Task DefinePackage_LambdaPackage_RoundTrips()
    {
        var package = JobSource.FromLambda("(int x) => x * x").Package;
        var frame = await FrameBytes.RoundTripAsync(w => TaggedJsonMessage.Write(w, FrameType.DefinePackage, 3, package, ProtocolJsonContext.Default.JobPackage));

        var read = TaggedJsonMessage.Read(frame.Body, ProtocolJsonContext.Default.JobPackage, out _);

        Assert.Equal(JobPackageKind.Lambda, read.Kind);
        Assert.Equal(package.Key, read.Key);
    }

    [Fact]
    public async Task StatsReply_NodeStatsReport_RoundTrips()
    {
        var report = new NodeStatsReport(3, 1, 10, 20, 1234.5, 7);
        var frame = await FrameBytes.RoundTripAsync(w => TaggedJsonMessage.Write(w, FrameType.StatsReply, 42, report, ProtocolJsonContext.Default.NodeStatsReport));

        var read = TaggedJsonMessage.Read(frame.Body, ProtocolJsonContext.Default.NodeStatsReport, out var requestId);

        Assert.Equal(42u, requestId);
        Assert.Equal(report, read);
        Assert.Equal(42u, BinaryPrimitives.ReadUInt32LittleEndian(frame.Body));
    }

    [Fact]
    public void RemoteError_WithDiagnostics_RoundTripsThroughTheContext()
    {
        var error = new RemoteError("ParallelSharp.JobCompilationException", "1 error", string.Empty, [new CompilerDiagnostic("CS0103", "Error", "Job.cs", 3, 9, "The name 'y' does not exist")]);

        var json = JsonSerializer.SerializeToUtf8Bytes(error, ProtocolJsonContext.Default.RemoteError);
        var read = JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.RemoteError)!;

        Assert.Equal((error.Type, error.Message, error.StackTrace), (read.Type, read.Message, read.StackTrace));
        Assert.Equal(error.Diagnostics, read.Diagnostics);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"NodeId\":")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"node\"")]
    [InlineData("{\"Workers\":\"many\"}")]
    [InlineData("{\"Workers\":99999999999}")]
    [InlineData("{} {}")]
    [InlineData("{\"NodeId\":\"a\",}")]
    public void ReadNodeInfo_MalformedJson_ThrowsProtocolException(string json)
    {
        var ex = Assert.Throws<ProtocolException>(() => TaggedJsonMessage.Read(Tagged(0, json), ProtocolJsonContext.Default.NodeInfo, out _));

        Assert.Contains("NodeInfo frame carries malformed JSON", ex.Message, StringComparison.Ordinal);
        Assert.IsType<JsonException>(ex.InnerException, exactMatch: false);
    }

    [Fact]
    public void ReadNodeInfo_InvalidUtf8InJson_ThrowsProtocolException()
    {
        byte[] json = [.. "{\"NodeId\":\""u8, 0xFF, 0xFE, .. "\"}"u8];

        Assert.Throws<ProtocolException>(() => TaggedJsonMessage.Read(Tagged(0, json), ProtocolJsonContext.Default.NodeInfo, out _));
    }

    [Fact]
    public void ReadNodeInfo_DeeplyNestedJson_ThrowsProtocolException()
    {
        var json = "{\"NodeId\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        Assert.Throws<ProtocolException>(() => TaggedJsonMessage.Read(Tagged(0, json), ProtocolJsonContext.Default.NodeInfo, out _));
    }

    [Fact]
    public void ReadNodeInfo_JsonNull_ThrowsProtocolException()
    {
        var ex = Assert.Throws<ProtocolException>(() => TaggedJsonMessage.Read(Tagged(0, "null"), ProtocolJsonContext.Default.NodeInfo, out _));

        Assert.Equal("A NodeInfo frame carries null.", ex.Message);
    }

    [Fact]
    public void ReadJobPackage_WithNoSources_ThrowsProtocolException()
    {
        // The JSON is well-formed but JobPackage's constructor refuses it.
        const string json = "{\"Kind\":0,\"Sources\":[],\"EntryType\":\"A\",\"EntryMethod\":\"B\",\"Usings\":[],\"References\":[]}";

        var ex = Assert.Throws<ProtocolException>(() => TaggedJsonMessage.Read(Tagged(1, json), ProtocolJsonContext.Default.JobPackage, out _));

        Assert.IsType<ArgumentException>(ex.InnerException, exactMatch: false);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    public void Read_BodyShorterThanTheTag_ThrowsProtocolException(int length)
    {
        Assert.Throws<ProtocolException>(() => TaggedJsonMessage.Read(new byte[length], ProtocolJsonContext.Default.NodeStatsReport, out _));
    }

    [Fact]
    public async Task Write_ValueThatCannotBeSerialized_ThrowsAndAppendsNoFrame()
    {
        // NaN is not valid JSON under the context's options. Before the fix the half-written JSON was committed as a
        // frame, and the peer would have dropped the whole connection on it.
        var report = new NodeStatsReport(1, 0, 0, 0, double.NaN, 0);

        var bytes = await FrameBytes.WriteAsync(writer =>
        {
            writer.Write(FrameType.Heartbeat, [1]);
            Assert.Throws<ArgumentException>(() => TaggedJsonMessage.Write(writer, FrameType.StatsReply, 5, report, ProtocolJsonContext.Default.NodeStatsReport));
            writer.Write(FrameType.Heartbeat, [2]);
        });

        var frames = await FrameBytes.ReadAllAsync(bytes);
        Assert.Equal([FrameType.Heartbeat, FrameType.Heartbeat], frames.Select(f => f.Type));
        Assert.Equal([2], frames[1].Body);
    }
}
