namespace ParallelSharp.Protocol.Framing;

/// <summary>Who writes the frames a <see cref="FrameWriter"/> collects to its stream.</summary>
public enum FrameFlushing
{
    /// <summary>The owner, by calling <see cref="FrameWriter.FlushAsync"/>.</summary>
    Manual,

    /// <summary>A background loop, woken by each burst of frames. For streams whose writes may block (pipes).</summary>
    Background,

    /// <summary>
    /// The thread that appends a frame, when no write is under way (else the background loop). Only for streams whose
    /// writes never block the caller for long: sockets, which complete at once while their buffer has room and
    /// otherwise finish asynchronously, and in-memory pipes.
    /// </summary>
    Inline,
}
