namespace ParallelSharp.Protocol.Framing;

/// <summary>A scope opened by <see cref="FrameWriter.DeferFlushes"/>; disposing it writes the frames it held back.</summary>
/// <remarks>A struct so that opening a scope on every received batch allocates nothing.</remarks>
public readonly struct DeferredFlushes : IDisposable
{
    /// <summary>Ends the scope; the outermost scope of the thread starts the held-back writes.</summary>
    public void Dispose() => FrameWriter.EndDeferral();
}
