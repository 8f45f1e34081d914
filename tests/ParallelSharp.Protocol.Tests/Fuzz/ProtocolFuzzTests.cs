using System.Buffers.Binary;
using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Handshake;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Serialization;
using ParallelSharp.Protocol.Tests.Infrastructure;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Tests.Fuzz;

/// <summary>
/// Bounded, reproducible mutation fuzzing: valid frames are corrupted at random (fixed seeds) and fed to the
/// frame reader and every message parser. A malformed input may only end as a <see cref="ProtocolException"/>
/// (or parse cleanly); any other exception, a hang or a large allocation fails the test with the seed,
/// the iteration and the input, so it can be replayed.
/// </summary>
public class ProtocolFuzzTests
{
    /// <summary>Per seed; two seeds make 2,000 inputs.</summary>
    private const int FrameIterations = 1000;
    private const int HandshakeIterations = 500;
    private const int MaxFrameLength = 64 * 1024;
    /// <summary>The reader's 64 KiB buffer, a copy of a frame and what the parsers build from at most 64 KiB.</summary>
    private const long AllocationBound = 4 * 1024 * 1024;

    private static readonly uint[] s_interestingLengths = [0, 1, 2, 3, 4, 5, 16, 4096, 4097, 65_536, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF];
    private static readonly byte[] s_interestingBytes = [0, 1, 0x7F, 0x80, 0xFF, (byte)'{', (byte)'"', (byte)'n', (byte)':', (byte)']'];

    private delegate void BodyParser(ReadOnlySpan<byte> body);

    private static readonly (string Name, BodyParser Parse)[] s_parsers =
    [
        ("Hello", b => HelloMessage.Read(b)),
        ("Challenge", b => ChallengeMessage.Read(b)),
        ("Refused", b => RefusedMessage.Read(b)),
        ("Proof", b => new WireReader(b).ReadBlock()),
        ("Welcome", b => TaggedJsonMessage.Read(b, ProtocolJsonContext.Default.NodeInfo, out _)),
        ("DefinePackage", b => TaggedJsonMessage.Read(b, ProtocolJsonContext.Default.JobPackage, out _)),
        ("StatsReply", b => TaggedJsonMessage.Read(b, ProtocolJsonContext.Default.NodeStatsReport, out _)),
        ("NeedAssemblies", b => AssemblyMessages.ReadNeed(b, out _)),
        ("UploadAssembly", b => AssemblyMessages.ReadUpload(b, out _)),
        ("LoadPackage", b => LoadPackageMessage.Read(b)),
        ("RunJob", b => RunJobMessage.Read(b, out _, out _, out _, out _, out _)),
        ("JobResult", b => JobResultMessage.Read(b, out _, out _, out _, out _)),
        ("Int64", b => SimpleMessages.ReadInt64(b, "fuzz")),
        ("Int32", b => SimpleMessages.ReadInt32(b, "fuzz")),
        ("String", b => SimpleMessages.ReadString(b, "fuzz")),
    ];

    private static async Task<List<byte[]>> FrameCorpusAsync()
    {
        var nonce = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var package = new JobPackage(JobPackageKind.Method, [new SourceDocument("Job.cs", "namespace N; public static class J { public static int F(int x) => x; }")],
            "N.J", "F", ["System"], [new AssemblyReference("Lib", new string('c', 64), 10)]);
        var writes = new List<Action<FrameWriter>>
        {
            new HelloMessage(1, "blue", "client", nonce).Write,
            new ChallengeMessage(1, "node-1", nonce, nonce).Write,
            new RefusedMessage(NodeFailureKind.Incompatible, "This node belongs to cluster 'blue', not 'red'.").Write,
            w => { using var f = w.Begin(FrameType.Proof); new WireWriter(f.Writer).WriteBlock(nonce); },
            w => TaggedJsonMessage.Write(w, FrameType.Welcome, 0, new NodeInfo("node-1", "blue", 4, "linux", "X64", 8, "0.1.0"), ProtocolJsonContext.Default.NodeInfo),
            w => TaggedJsonMessage.Write(w, FrameType.DefinePackage, 3, package, ProtocolJsonContext.Default.JobPackage),
            w => TaggedJsonMessage.Write(w, FrameType.StatsReply, 9, new NodeStatsReport(4, 1, 2, 3, 45.5, 6), ProtocolJsonContext.Default.NodeStatsReport),
            w => AssemblyMessages.WriteNeed(w, 3, [new string('a', 64), new string('b', 64)]),
            w => AssemblyMessages.WriteUpload(w, new AssemblyReference("Lib", new string('c', 64), 10), new byte[10]),
            new LoadPackageMessage(3, package.Key, ["/cache/a.dll", "/cache/b.dll"], [0x4D, 0x5A, 0x90]).Write,
            w => RunJobMessage.Write(w, 42, 3, 0, 1000, "[1,\"two\",3.5]"u8),
            w => RunJobMessage.Write(w, 43, 3, RunJobMessage.BatchFlag, 0, "[[1],[2],[3]]"u8),
            w => JobResultMessage.Write(w, 42, JobResultStatus.Succeeded, 1234, "6.5"u8),
            w => JobResultMessage.Write(w, 43, JobResultStatus.Failed, 1, "{\"Type\":\"System.Exception\",\"Message\":\"boom\",\"StackTrace\":\"\"}"u8),
            w => SimpleMessages.WriteInt64(w, FrameType.Heartbeat, 123_456_789),
            w => SimpleMessages.WriteInt64(w, FrameType.CancelJob, 42),
            w => SimpleMessages.WriteInt32(w, FrameType.SetWorkers, 8),
            w => SimpleMessages.WriteInt32(w, FrameType.WorkerReady, 1),
            w => SimpleMessages.WriteString(w, FrameType.Goodbye, "the job server is shutting down"),
        };

        var corpus = new List<byte[]>();
        foreach (var write in writes)
            corpus.Add(await FrameBytes.WriteAsync(write));
        // Streams of several frames, so mutations also hit the boundaries between frames.
        corpus.Add(FrameBytes.Concat([.. corpus]));
        corpus.Add(FrameBytes.Concat(corpus[10], corpus[12], corpus[14], corpus[10]));
        return corpus;
    }

    private static byte[] Mutate(Random random, byte[] input, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(input);
        var mutations = random.Next(1, 5);
        for (var m = 0; m < mutations; m++)
        {
            if (data.Count == 0)
                data.Add((byte)random.Next(256));
            var at = random.Next(data.Count);
            switch (random.Next(9))
            {
                case 0:
                    data[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    data[at] = (byte)random.Next(256);
                    break;
                case 2:
                    data[at] = s_interestingBytes[random.Next(s_interestingBytes.Length)];
                    break;
                case 3:
                    // A plausible length field: a frame prefix or a string/block/count inside a body.
                    var value = new byte[4];
                    BinaryPrimitives.WriteUInt32LittleEndian(value, s_interestingLengths[random.Next(s_interestingLengths.Length)]);
                    for (var i = 0; i < 4 && at + i < data.Count; i++)
                        data[at + i] = value[i];
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                case 5:
                    var inserted = new byte[random.Next(1, 9)];
                    random.NextBytes(inserted);
                    data.InsertRange(at, inserted);
                    break;
                case 6:
                    data.RemoveRange(at, Math.Min(random.Next(1, 16), data.Count - at));
                    break;
                case 7:
                    var length = Math.Min(random.Next(1, 32), data.Count - at);
                    data.InsertRange(random.Next(data.Count + 1), data.GetRange(at, length));
                    break;
                default:
                    var other = corpus[random.Next(corpus.Count)];
                    var from = random.Next(other.Length);
                    data.InsertRange(at, other.Skip(from).Take(random.Next(1, 64)));
                    break;
            }
        }

        return [.. data];
    }

    private static void ParseAll(FrameType type, ReadOnlySpan<byte> body)
    {
        // Every parser sees every body, whatever its type byte says: the type byte is as corruptible as the rest.
        foreach (var (_, parse) in s_parsers)
        {
            try
            {
                parse(body);
            }
            catch (ProtocolException)
            {
                // The one allowed outcome for a malformed body.
            }
        }

        _ = type;
    }

    private static string Describe(int seed, int iteration, byte[] data) =>
        $"seed {seed}, iteration {iteration}, {data.Length} byte(s): {Convert.ToHexString(data.AsSpan(0, Math.Min(data.Length, 256)))}{(data.Length > 256 ? "…" : string.Empty)}";

    [Theory]
    [InlineData(20_240_611)]
    [InlineData(7)]
    public async Task ReaderAndParsers_MutatedValidFrames_OnlyEverThrowProtocolException(int seed)
    {
        var random = new Random(seed);
        var corpus = await FrameCorpusAsync();
        var parsedFrames = 0;
        var protocolErrors = 0;
        for (var iteration = 0; iteration < FrameIterations; iteration++)
        {
            var data = Mutate(random, corpus[random.Next(corpus.Count)], corpus);
            var chunk = random.Next(4) == 0 ? int.MaxValue : random.Next(1, 64);
            var style = (ReadStyle)random.Next(3);
            var reader = new FrameReader(new ChunkedReadStream(data, chunk), MaxFrameLength);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var run = RunReaderAsync(reader, style);
            // The stream never blocks, so a reader that terminates does so synchronously, on this thread.
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(run.IsCompleted, $"The reader did not finish on a finite, non-blocking stream: {Describe(seed, iteration, data)}");
            try
            {
                parsedFrames += await run;
            }
            catch (ProtocolException)
            {
                protocolErrors++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"{ex.GetType().Name} ({ex.Message}) escaped for {Describe(seed, iteration, data)}\n{ex}");
            }

            Assert.True(allocated < AllocationBound, $"Reading allocated {allocated} bytes for {Describe(seed, iteration, data)}");
        }

        // The mutations must exercise both outcomes, or the test proves little.
        Assert.True(parsedFrames > FrameIterations / 5, $"only {parsedFrames} frames reached the parsers");
        Assert.True(protocolErrors > FrameIterations / 20, $"only {protocolErrors} inputs were refused by the reader");
    }

    private enum ReadStyle
    {
        ReadFrames,
        ReadOne,
        DeliverOneAtATime,
    }

    /// <summary>Reads to the end in one of the reader's three styles, parsing every frame; returns how many there were.</summary>
    private static async Task<int> RunReaderAsync(FrameReader reader, ReadStyle style)
    {
        var frames = 0;
        FrameHandler handler = (type, body) =>
        {
            ParseAll(type, body);
            frames++;
        };
        switch (style)
        {
            case ReadStyle.ReadOne:
                while (await reader.ReadOneAsync(CancellationToken.None) is { } frame)
                    handler(frame.Type, frame.Body);
                break;
            case ReadStyle.DeliverOneAtATime:
                do
                {
                    while (reader.TryDeliverOne(handler))
                    {
                    }
                }
                while (await reader.ReadMoreAsync(CancellationToken.None));
                break;
            default:
                while (await reader.ReadFramesAsync(handler, CancellationToken.None))
                {
                }

                break;
        }

        return frames;
    }

    [Fact]
    public async Task Handshakes_MutatedPeerFrames_EndOnlyInProtocolOrNodeUnavailableExceptions()
    {
        const int seed = 99;
        const string secret = "fuzz-secret";
        var random = new Random(seed);
        var nonce = HandshakeProofs.NewNonce();
        var info = new NodeInfo("node-1", "blue", 4, "linux", "X64", 8, "0.1.0");
        // What a client sends a node, and what a node sends a client (proofs cannot match fresh nonces: the
        // point is the parsing and the refusals, not success).
        var fromClient = await FrameBytes.WriteAsync(w =>
        {
            new HelloMessage(ProtocolConstants.Version, "blue", "client", nonce).Write(w);
            using var f = w.Begin(FrameType.Proof);
            new WireWriter(f.Writer).WriteBlock(nonce);
        });
        var fromNode = await FrameBytes.WriteAsync(w =>
        {
            new ChallengeMessage(ProtocolConstants.Version, "node-1", nonce, nonce).Write(w);
            TaggedJsonMessage.Write(w, FrameType.Welcome, 0, info, ProtocolJsonContext.Default.NodeInfo);
        });
        var corpus = new List<byte[]> { fromClient, fromNode };

        for (var iteration = 0; iteration < HandshakeIterations; iteration++)
        {
            var toNode = iteration % 2 == 0;
            var data = Mutate(random, toNode ? fromClient : fromNode, corpus);
            var reader = new FrameReader(new ChunkedReadStream(data, random.Next(1, 32)));
            await using var writer = new FrameWriter(Stream.Null, autoFlush: false);
            Task handshake = toNode
                ? NodeHandshake.RunAsync(reader, writer, secret, info, CancellationToken.None)
                : ClientHandshake.RunAsync(reader, writer, secret, "blue", "client", "127.0.0.1:7741", CancellationToken.None);
            try
            {
                await handshake.Within($"the {(toNode ? "node" : "client")} handshake on {Describe(seed, iteration, data)}");
            }
            catch (Exception ex) when (ex is ProtocolException or NodeUnavailableException)
            {
                // The allowed outcomes.
            }
            catch (Exception ex)
            {
                Assert.Fail($"{ex.GetType().Name} ({ex.Message}) escaped the {(toNode ? "node" : "client")} handshake for {Describe(seed, iteration, data)}\n{ex}");
            }
        }
    }
}
