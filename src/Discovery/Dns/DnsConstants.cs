namespace ParallelSharp.Discovery.Dns;

/// <summary>Wire constants of DNS and mDNS.</summary>
internal static class DnsConstants
{
    /// <summary>Class IN.</summary>
    public const ushort ClassInternet = 1;

    /// <summary>Class "*" in questions.</summary>
    public const ushort ClassAny = 255;

    /// <summary>Top bit of the class: QU in a question (RFC 6762 §5.4), cache-flush in a record (§10.2).</summary>
    public const ushort ClassTopBit = 0x8000;

    /// <summary>Header flags of an mDNS response: QR=1, AA=1 (RFC 6762 §18.2, §18.4).</summary>
    public const ushort ResponseFlags = 0x8400;

    /// <summary>QR bit of the header flags.</summary>
    public const ushort FlagResponse = 0x8000;

    /// <summary>TC bit: in an mDNS query, "more known answers follow" (RFC 6762 §7.2).</summary>
    public const ushort FlagTruncated = 0x0200;

    /// <summary>Size of the fixed header.</summary>
    public const int HeaderLength = 12;

    /// <summary>Longest name on the wire, length bytes and root included (RFC 1035 §2.3.4).</summary>
    public const int MaxNameLength = 255;

    /// <summary>Longest label (RFC 1035 §2.3.4).</summary>
    public const int MaxLabelLength = 63;

    /// <summary>Most compression pointers followed while reading one name.</summary>
    public const int MaxPointerJumps = 32;

    /// <summary>Largest offset a compression pointer can hold.</summary>
    public const int MaxPointerOffset = 0x3FFF;

    /// <summary>Largest mDNS message we read (RFC 6762 §17: 9000 bytes including IP and UDP headers).</summary>
    public const int MaxMessageLength = 9000;

    /// <summary>Payload we aim to stay under when we write, so nothing fragments on Ethernet.</summary>
    public const int PreferredPayloadLength = 1440;
}
