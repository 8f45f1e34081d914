namespace ParallelSharp.Discovery.Dns;

/// <summary>A DNS message: header fields and the four sections.</summary>
internal sealed class DnsMessage
{
    /// <summary>The ID; 0 in mDNS except in legacy unicast replies, which echo the query's (RFC 6762 §18.1).</summary>
    public ushort Id { get; init; }

    /// <summary>The 16-bit flags word (QR, OPCODE, AA, TC, RD, RA, Z, AD, CD, RCODE).</summary>
    public ushort Flags { get; init; }

    public List<DnsQuestion> Questions { get; init; } = [];

    public List<DnsRecord> Answers { get; init; } = [];

    public List<DnsRecord> Authorities { get; init; } = [];

    public List<DnsRecord> Additionals { get; init; } = [];

    /// <summary>QR: a response rather than a query.</summary>
    public bool IsResponse => (Flags & DnsConstants.FlagResponse) != 0;

    /// <summary>TC: in an mDNS query, more known answers follow in the next packets (RFC 6762 §7.2).</summary>
    public bool IsTruncated => (Flags & DnsConstants.FlagTruncated) != 0;

    /// <summary>OPCODE; mDNS receivers ignore messages where it is not 0 (RFC 6762 §18.3).</summary>
    public int Opcode => (Flags >> 11) & 0xF;

    /// <summary>RCODE; mDNS receivers ignore messages where it is not 0 (RFC 6762 §18.11).</summary>
    public int ResponseCode => Flags & 0xF;

    /// <summary>Every record of the answer, authority and additional sections.</summary>
    public IEnumerable<DnsRecord> AllRecords => Answers.Concat(Authorities).Concat(Additionals);

    /// <summary>A multicast query with the given questions (ID 0, flags 0).</summary>
    public static DnsMessage Query(params IEnumerable<DnsQuestion> questions) => new() { Questions = [.. questions] };

    /// <summary>An mDNS response with the given answers (ID 0, QR=1, AA=1, no questions).</summary>
    public static DnsMessage Response(params IEnumerable<DnsRecord> answers) =>
        new() { Flags = DnsConstants.ResponseFlags, Answers = [.. answers] };

    /// <summary>Encodes the message with name compression.</summary>
    /// <exception cref="InvalidOperationException">A section has more than 65535 entries.</exception>
    public byte[] Encode()
    {
        var writer = new DnsWriter();
        writer.WriteUInt16(Id);
        writer.WriteUInt16(Flags);
        writer.WriteUInt16(Count(Questions.Count));
        writer.WriteUInt16(Count(Answers.Count));
        writer.WriteUInt16(Count(Authorities.Count));
        writer.WriteUInt16(Count(Additionals.Count));
        foreach (var question in Questions)
            writer.WriteQuestion(question);
        foreach (var record in AllRecords)
            writer.WriteRecord(record);
        return writer.ToArray();
    }

    /// <summary>Decodes a message; unknown record types are skipped.</summary>
    /// <exception cref="DnsMessageFormatException">The message is malformed.</exception>
    public static DnsMessage Decode(ReadOnlySpan<byte> data) => DnsReader.ReadMessage(data);

    /// <inheritdoc />
    public override string ToString() =>
        $"id={Id} flags=0x{Flags:X4} qd={Questions.Count} an={Answers.Count} ns={Authorities.Count} ar={Additionals.Count}";

    private static ushort Count(int count) =>
        count <= ushort.MaxValue ? (ushort)count : throw new InvalidOperationException($"A DNS message section cannot hold {count} entries.");
}
