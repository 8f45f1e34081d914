using System.Net;
using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Tests.Dns;

public sealed class DnsReaderHardeningTests
{
    private static readonly DnsName s_type = DnsName.Parse("_parallelsharp._tcp.local");

    private static byte[] ValidResponse() => DnsMessage.Response(
        new PtrRecord(s_type, s_type.Prepend("node-1"), 4500),
        new SrvRecord(s_type.Prepend("node-1"), 0, 0, 7070, DnsName.Parse("psh-a.local"), 120, cacheFlush: true),
        new TxtRecord(s_type.Prepend("node-1"), [[.. "cpus=4"u8]], 4500, cacheFlush: true),
        new AddressRecord(DnsName.Parse("psh-a.local"), IPAddress.Parse("10.250.0.1"), 120, cacheFlush: true),
        new NsecRecord(DnsName.Parse("psh-a.local"), DnsName.Parse("psh-a.local"), [1], 120, cacheFlush: true)).Encode();

    [Fact]
    public void Decode_EveryTruncation_ThrowsFormatException()
    {
        var bytes = ValidResponse();
        for (var length = 0; length < bytes.Length; length++)
        {
            var prefix = bytes[..length];
            Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(prefix));
        }
    }

    [Fact]
    public void Decode_PointerToItself_ThrowsFormatException()
    {
        // One question whose name is a pointer to its own offset (12).
        var bytes = Header(qd: 1).Concat(new byte[] { 0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01 }).ToArray();

        var ex = Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
        Assert.Contains("backwards", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ForwardPointer_ThrowsFormatException()
    {
        // Name at 12 points to 18, after itself.
        var bytes = Header(qd: 1).Concat(new byte[] { 0xC0, 0x12, 0x00, 0x01, 0x00, 0x01, 0x01, (byte)'a', 0x00 }).ToArray();

        Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
    }

    [Fact]
    public void Decode_PointerLoopBetweenTwoNames_ThrowsFormatException()
    {
        // Q1 name: label "a" then pointer to 12 (the start of its own label sequence): a loop through a label.
        var bytes = Header(qd: 1).Concat(new byte[] { 0x01, (byte)'a', 0xC0, 0x0C, 0x00, 0x01, 0x00, 0x01 }).ToArray();

        Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
    }

    [Fact]
    public void Decode_PointerIntoHeader_ThrowsFormatException()
    {
        var bytes = Header(qd: 1).Concat(new byte[] { 0xC0, 0x02, 0x00, 0x01, 0x00, 0x01 }).ToArray();

        Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
    }

    [Fact]
    public void Decode_LongPointerChain_IsBoundedAndThrows()
    {
        // 40 names, each "x" + pointer to the previous one: the last one follows 39 pointers (> 32).
        var body = new List<byte> { 0x01, (byte)'x', 0x00, 0x00, 0x01, 0x00, 0x01 };
        var starts = new List<int> { 12 };
        for (var i = 1; i < 40; i++)
        {
            var start = 12 + body.Count;
            var previous = starts[^1];
            body.AddRange([0x01, (byte)'x', (byte)(0xC0 | (previous >> 8)), (byte)previous, 0x00, 0x01, 0x00, 0x01]);
            starts.Add(start);
        }

        var bytes = Header(qd: 40).Concat(body).ToArray();

        var ex = Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
        Assert.True(ex.Message.Contains("pointers", StringComparison.Ordinal) || ex.Message.Contains("255", StringComparison.Ordinal), ex.Message);
    }

    [Fact]
    public void Decode_NameLongerThan255Bytes_ThrowsFormatException()
    {
        var name = new List<byte>();
        for (var i = 0; i < 5; i++)
        {
            name.Add(63);
            name.AddRange(Enumerable.Repeat((byte)'a', 63));
        }

        name.Add(0);
        var bytes = Header(qd: 1).Concat(name).Concat(new byte[] { 0x00, 0x01, 0x00, 0x01 }).ToArray();

        var ex = Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
        Assert.Contains("255", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x40)]
    [InlineData(0x80)]
    public void Decode_ExtendedOrBinaryLabelType_ThrowsFormatException(byte labelType)
    {
        var bytes = Header(qd: 1).Concat(new byte[] { (byte)(labelType | 1), (byte)'a', 0x00, 0x00, 0x01, 0x00, 0x01 }).ToArray();

        var ex = Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
        Assert.Contains("label type", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_HugeCounts_ThrowsWithoutAllocatingPerCount()
    {
        var bytes = Header(qd: 0xFFFF, an: 0xFFFF, ns: 0xFFFF, ar: 0xFFFF).Concat(new byte[20]).ToArray();

        var ex = Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
        Assert.Contains("entries", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OversizeMessage_ThrowsFormatException() =>
        Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(new byte[DnsConstants.MaxMessageLength + 1]));

    [Fact]
    public void Decode_AddressRecordWithWrongLength_ThrowsFormatException()
    {
        var bytes = Header(an: 1).Concat(new byte[] { 0x00, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 120, 0x00, 0x05, 10, 0, 0, 1, 9 }).ToArray();

        Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
    }

    [Fact]
    public void Decode_TxtStringPastRecordEnd_ThrowsFormatException()
    {
        // RDLENGTH 3 but the first string claims 5 bytes; bytes after the record exist, so only the record bound catches it.
        var bytes = Header(an: 1).Concat(new byte[] { 0x00, 0x00, 0x10, 0x00, 0x01, 0, 0, 0, 120, 0x00, 0x03, 0x05, (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e' }).ToArray();

        Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
    }

    [Fact]
    public void Decode_PtrWhoseNameOverrunsRdlength_ThrowsFormatException()
    {
        // RDLENGTH 2 but the name inside is 3 bytes long.
        var bytes = Header(an: 1).Concat(new byte[] { 0x00, 0x00, 0x0C, 0x00, 0x01, 0, 0, 0, 120, 0x00, 0x02, 0x01, (byte)'a', 0x00 }).ToArray();

        Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
    }

    [Fact]
    public void Decode_NsecWindowsOutOfOrder_SkipsOnlyThatRecord()
    {
        var rdata = new byte[] { 0x01, 0x01, 0x40, 0x00, 0x01, 0x40 }; // after next name ".": window 1, then window 0
        var bytes = Header(an: 2)
            .Concat(new byte[] { 0x00, 0x00, 0x2F, 0x00, 0x01, 0, 0, 0, 120, 0x00, (byte)(rdata.Length + 1), 0x00 }).Concat(rdata)
            .Concat(new byte[] { 0x00, 0x00, 0x01, 0x00, 0x01, 0, 0, 0, 120, 0x00, 0x04, 10, 0, 0, 1 })
            .ToArray();

        var record = Assert.Single(DnsMessage.Decode(bytes).Answers);

        Assert.IsType<AddressRecord>(record);
    }

    [Fact]
    public void Decode_ZeroconfNsecWithEmptyLeadingWindow_ReadsTypes()
    {
        // python-zeroconf 0.47.3 additional record, captured in the lab: NSEC zc-node-10-250-0-1.local [window 0 len 0][window 0 len 4 ... AAAA].
        var bytes = Convert.FromHexString(
            "0000840000000001000000040e5f706172616c6c656c7368617270045f746370056c6f63616c00000c000100001194000a077a632d6e6f6465c00c" +
            "127a632d6e6f64652d31302d3235302d302d31c020002f800100001194000ac03b0000000400000008c03100218001000000780008000000001c03" +
            "c03bc03b000180010000007800040afa0001c0310010800100001194000706637075733d38");

        var message = DnsMessage.Decode(bytes);

        var nsec = Assert.IsType<NsecRecord>(message.Additionals[0]);
        Assert.Equal("zc-node-10-250-0-1.local", nsec.Name.ToString());
        Assert.Equal([(ushort)DnsRecordType.Aaaa], nsec.Types);
        Assert.Equal(7171, Assert.IsType<SrvRecord>(message.Additionals[1]).Port);
        Assert.Equal(4, message.Additionals.Count);
    }

    [Fact]
    public void Decode_LabelWithInvalidUtf8_ThrowsFormatException()
    {
        var bytes = Header(qd: 1).Concat(new byte[] { 0x02, 0xC3, 0x28, 0x00, 0x00, 0x01, 0x00, 0x01 }).ToArray();

        Assert.Throws<DnsMessageFormatException>(() => DnsMessage.Decode(bytes));
    }

    private static byte[] Header(int qd = 0, int an = 0, int ns = 0, int ar = 0) =>
    [
        0, 0, 0x84, 0x00,
        (byte)(qd >> 8), (byte)qd, (byte)(an >> 8), (byte)an,
        (byte)(ns >> 8), (byte)ns, (byte)(ar >> 8), (byte)ar,
    ];
}
