using System.Net;
using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Tests.Dns;

public sealed class DnsMessageTests
{
    private static readonly DnsName s_type = DnsName.Parse("_parallelsharp._tcp.local");
    private static readonly DnsName s_instance = s_type.Prepend("node 1.rack a");
    private static readonly DnsName s_host = DnsName.Parse("psh-build1-3fa2.local");

    [Fact]
    public void Encode_EveryRecordType_RoundTrips()
    {
        var message = new DnsMessage
        {
            Id = 0x1234,
            Flags = DnsConstants.ResponseFlags,
            Questions = [new DnsQuestion(s_type, DnsRecordType.Ptr, UnicastResponse: true)],
            Answers =
            [
                new PtrRecord(s_type, s_instance, 4500),
                new SrvRecord(s_instance, 1, 2, 7070, s_host, 120, cacheFlush: true),
                new TxtRecord(s_instance, [[.. "txtvers=1"u8], [.. "gpu"u8], []], 4500, cacheFlush: true),
            ],
            Authorities = [new AddressRecord(s_host, IPAddress.Parse("10.250.0.1"), 120, cacheFlush: true)],
            Additionals =
            [
                new AddressRecord(s_host, IPAddress.Parse("fd70:250::1"), 120, cacheFlush: true),
                new NsecRecord(s_host, s_host, [1, 28, 33, 47, 300], 120, cacheFlush: true),
            ],
        };

        var decoded = DnsMessage.Decode(message.Encode());

        Assert.Equal(0x1234, decoded.Id);
        Assert.True(decoded.IsResponse);
        var question = Assert.Single(decoded.Questions);
        Assert.Equal(s_type, question.Name);
        Assert.True(question.UnicastResponse);
        Assert.Equal(DnsConstants.ClassInternet, question.Class);
        AssertSameRecords(message.Answers, decoded.Answers);
        AssertSameRecords(message.Authorities, decoded.Authorities);
        AssertSameRecords(message.Additionals, decoded.Additionals);
        var srv = Assert.IsType<SrvRecord>(decoded.Answers[1]);
        Assert.Equal((1, 2, 7070), (srv.Priority, srv.Weight, srv.Port));
        Assert.Equal(s_host, srv.Target);
        Assert.Equal("node 1.rack a", Assert.IsType<PtrRecord>(decoded.Answers[0]).Target.Labels[0]);
        Assert.Equal([1, 28, 33, 47, 300], Assert.IsType<NsecRecord>(decoded.Additionals[1]).Types);
    }

    [Fact]
    public void Encode_CacheFlushAndQuBits_AreSetOnlyWhereAsked()
    {
        var message = new DnsMessage
        {
            Questions = [new DnsQuestion(s_type, DnsRecordType.Ptr), new DnsQuestion(s_host, DnsRecordType.A, UnicastResponse: true)],
            Answers = [new PtrRecord(s_type, s_instance, 4500), new AddressRecord(s_host, IPAddress.Loopback, 120, cacheFlush: true)],
        };

        var decoded = DnsMessage.Decode(message.Encode());

        Assert.False(decoded.Questions[0].UnicastResponse);
        Assert.True(decoded.Questions[1].UnicastResponse);
        Assert.False(decoded.Answers[0].CacheFlush);
        Assert.True(decoded.Answers[1].CacheFlush);
        Assert.All(decoded.Answers, r => Assert.Equal(DnsConstants.ClassInternet, r.Class));
    }

    [Fact]
    public void Encode_RepeatedNames_CompressesOwnerNamesAndRdata()
    {
        var records = new DnsRecord[]
        {
            new PtrRecord(s_type, s_instance, 4500),
            new SrvRecord(s_instance, 0, 0, 7070, s_host, 120),
            new TxtRecord(s_instance, [], 4500),
            new AddressRecord(s_host, IPAddress.Loopback, 120),
            new NsecRecord(s_host, s_host, [1], 120),
        };
        var compressed = DnsMessage.Response(records).Encode();
        var uncompressedLength = DnsConstants.HeaderLength + records.Sum(r =>
        {
            var writer = new DnsWriter { Compress = false };
            writer.WriteRecord(r);
            return writer.Length;
        });

        Assert.True(compressed.Length < uncompressedLength / 2, $"compressed {compressed.Length} bytes, uncompressed {uncompressedLength}");
        // The PTR rdata (instance) points at the owner name written just before it: offset 12 + 0x0E... shares "_parallelsharp._tcp.local".
        Assert.Contains(compressed.Select((b, i) => (b, i)), x => (x.b & 0xC0) == 0xC0 && x.i > DnsConstants.HeaderLength);
        AssertSameRecords(records, DnsMessage.Decode(compressed).Answers);
    }

    [Fact]
    public void Encode_EmptyTxt_WritesSingleZeroByte()
    {
        var bytes = DnsMessage.Response(new TxtRecord(s_instance, [], 4500)).Encode();

        // RDLENGTH 1, RDATA 0x00 at the very end.
        Assert.Equal([0x00, 0x01, 0x00], bytes[^3..]);
        var txt = Assert.IsType<TxtRecord>(Assert.Single(DnsMessage.Decode(bytes).Answers));
        Assert.Equal([[]], txt.Strings);
        Assert.Empty(TxtAttributes.Parse(txt.Strings));
    }

    [Fact]
    public void Decode_PythonZeroconfAnnouncement_ReadsAllRecords()
    {
        // Captured from python-zeroconf 0.47.3 (mdns-peer.py register node-zc 7070 cpus=4 ver=0.1.0 os=linux gpu --interface 127.0.0.1).
        var bytes = Convert.FromHexString(
            "0000840000000004000000000e5f706172616c6c656c7368617270045f746370056c6f63616c00000c000100001194000a076e6f64652d7a63c00c" +
            "c0310021800100000078001a000000001b9e116e6f64652d7a632d3132372d302d302d31c020c0310010800100001194001e06637075733d3409" +
            "7665723d302e312e30086f733d6c696e757803677075c04d000180010000007800047f000001");

        var message = DnsMessage.Decode(bytes);

        Assert.True(message.IsResponse);
        Assert.Equal(0x8400, message.Flags);
        Assert.Empty(message.Questions);
        Assert.Equal(4, message.Answers.Count);
        var ptr = Assert.IsType<PtrRecord>(message.Answers[0]);
        Assert.Equal(s_type, ptr.Name);
        Assert.Equal("node-zc._parallelsharp._tcp.local", ptr.Target.ToString());
        Assert.Equal(4500u, ptr.Ttl);
        Assert.False(ptr.CacheFlush);
        var srv = Assert.IsType<SrvRecord>(message.Answers[1]);
        Assert.Equal(7070, srv.Port);
        Assert.Equal("node-zc-127-0-0-1.local", srv.Target.ToString());
        Assert.True(srv.CacheFlush);
        Assert.Equal(120u, srv.Ttl);
        var txt = TxtAttributes.Parse(Assert.IsType<TxtRecord>(message.Answers[2]).Strings);
        Assert.Equal(new Dictionary<string, string?> { ["cpus"] = "4", ["ver"] = "0.1.0", ["os"] = "linux", ["gpu"] = null }, txt);
        var a = Assert.IsType<AddressRecord>(message.Answers[3]);
        Assert.Equal(IPAddress.Loopback, a.Address);
        Assert.Equal(srv.Target, a.Name);
    }

    [Fact]
    public void Decode_PythonZeroconfProbe_ReadsQuestionAndAuthority()
    {
        // python-zeroconf's (non-RFC) probe: PTR question with QU, the PTR in the authority section.
        var bytes = Convert.FromHexString(
            "0000040000010000000100000e5f706172616c6c656c7368617270045f746370056c6f63616c00000c8001c00c000c000100001194000a076e6f64652d7a63c00c");

        var message = DnsMessage.Decode(bytes);

        Assert.False(message.IsResponse);
        var question = Assert.Single(message.Questions);
        Assert.True(question.UnicastResponse);
        Assert.Equal(DnsRecordType.Ptr, question.Type);
        Assert.IsType<PtrRecord>(Assert.Single(message.Authorities));
    }

    [Fact]
    public void Decode_UnknownRecordType_SkipsItAndReadsTheRest()
    {
        var writer = new DnsWriter();
        writer.WriteUInt16(0);
        writer.WriteUInt16(DnsConstants.ResponseFlags);
        writer.WriteUInt16(0);
        writer.WriteUInt16(2);
        writer.WriteUInt16(0);
        writer.WriteUInt16(0);
        writer.WriteName(s_host);
        writer.WriteUInt16(13); // HINFO
        writer.WriteUInt16(1);
        writer.WriteUInt32(120);
        writer.WriteUInt16(4);
        writer.WriteBytes([1, (byte)'x', 1, (byte)'y']);
        writer.WriteRecord(new AddressRecord(s_host, IPAddress.Parse("10.0.0.7"), 120));

        var message = DnsMessage.Decode(writer.ToArray());

        var a = Assert.IsType<AddressRecord>(Assert.Single(message.Answers));
        Assert.Equal(IPAddress.Parse("10.0.0.7"), a.Address);
    }

    [Fact]
    public void Decode_TtlWithTopBitSet_IsTreatedAsZero()
    {
        var bytes = DnsMessage.Response(new AddressRecord(s_host, IPAddress.Loopback, 0x8000_0001)).Encode();

        Assert.Equal(0u, DnsMessage.Decode(bytes).Answers[0].Ttl);
    }

    [Fact]
    public void DnsName_CompareIgnoringAsciiCase_OnlyAscii()
    {
        Assert.Equal(DnsName.Parse("Node-1.LOCAL"), DnsName.Parse("node-1.local"));
        Assert.Equal(DnsName.Parse("Node-1.LOCAL").GetHashCode(), DnsName.Parse("node-1.local").GetHashCode());
        Assert.NotEqual(DnsName.Parse("Ä.local"), DnsName.Parse("ä.local"));
        Assert.Equal(@"a\.b.local", DnsName.FromLabels("a.b", "local").ToString());
    }

    [Fact]
    public void DnsName_OversizeLabelOrName_Throws()
    {
        Assert.Throws<ArgumentException>(() => DnsName.FromLabels(new string('a', 64)));
        Assert.Throws<ArgumentException>(() => DnsName.FromLabels(Enumerable.Repeat(new string('a', 63), 4)));
        Assert.Throws<ArgumentException>(() => DnsName.Parse("a..local"));
        _ = DnsName.FromLabels(new string('a', 63), new string('b', 63), new string('c', 63), new string('d', 61)); // 255 bytes: fine
    }

    internal static void AssertSameRecords(IReadOnlyList<DnsRecord> expected, IReadOnlyList<DnsRecord> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].HasSameIdentity(actual[i]), $"record {i}: expected {expected[i]}, got {actual[i]}");
            Assert.Equal(expected[i].Ttl, actual[i].Ttl);
            Assert.Equal(expected[i].CacheFlush, actual[i].CacheFlush);
        }
    }
}
