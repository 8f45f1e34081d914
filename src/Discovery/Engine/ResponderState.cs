namespace ParallelSharp.Discovery.Engine;

/// <summary>Where a <see cref="ResponderEngine"/> is in its life cycle.</summary>
internal enum ResponderState
{
    /// <summary>Created, not started.</summary>
    Idle,

    /// <summary>Probing its unique names (RFC 6762 §8.1); answers nothing yet.</summary>
    Probing,

    /// <summary>Owns its names: announces and answers queries.</summary>
    Running,

    /// <summary>Goodbye sent or stopped; silent.</summary>
    Stopped,
}
