namespace ParallelSharp.Protocol.Framing;

/// <summary>Sizes that bound what a peer may send.</summary>
public static class FrameLimits
{
    /// <summary>Bytes before each frame body: a little-endian uint32 length (covering the type byte and the body) and the type byte.</summary>
    public const int HeaderLength = 5;

    /// <summary>The default largest frame accepted after the handshake (64 MiB): big enough for an assembly upload.</summary>
    public const int DefaultMaxFrameLength = 64 * 1024 * 1024;

    /// <summary>The largest frame accepted before the peer has authenticated, so that an anonymous peer cannot make us allocate.</summary>
    public const int HandshakeMaxFrameLength = 4096;
}
