namespace ParallelSharp.Discovery.Dns;

/// <summary>A received DNS message is malformed: truncated, a bad compression pointer, an oversize name or an unsupported label form.</summary>
/// <remarks>The receive loop drops the packet and goes on; nothing else happens.</remarks>
internal sealed class DnsMessageFormatException : FormatException
{
    public DnsMessageFormatException(string message, int offset)
        : base($"Malformed DNS message at byte {offset}: {message}.")
    {
        Offset = offset;
    }

    /// <summary>Where in the message the problem was found.</summary>
    public int Offset { get; }
}
