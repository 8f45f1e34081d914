namespace ParallelSharp.NodeDaemon.Compilation;

/// <summary>What the generated invoker does with the entry method's return value.</summary>
internal enum EntryReturnKind
{
    /// <summary>A value: serialize it.</summary>
    Value = 0,

    /// <summary><c>void</c>: write JSON <c>null</c>.</summary>
    Void = 1,

    /// <summary><c>Task</c> or <c>ValueTask</c>: wait for it, then write JSON <c>null</c>.</summary>
    Awaitable = 2,

    /// <summary><c>Task&lt;T&gt;</c> or <c>ValueTask&lt;T&gt;</c>: wait for it and serialize its result.</summary>
    AwaitableOfValue = 3,
}
