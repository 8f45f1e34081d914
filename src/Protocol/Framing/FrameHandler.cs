namespace ParallelSharp.Protocol.Framing;

/// <summary>Receives each complete frame read from a connection.</summary>
/// <param name="type">The frame's type.</param>
/// <param name="body">The frame body. Valid only during the call: copy what you keep.</param>
public delegate void FrameHandler(FrameType type, ReadOnlySpan<byte> body);
