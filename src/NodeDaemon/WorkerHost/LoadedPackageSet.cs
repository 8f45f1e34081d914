namespace ParallelSharp.NodeDaemon.WorkerHost;

/// <summary>
/// The packages a worker process holds, least recently used first, bounded. The node keeps one per
/// worker and the worker keeps its own; both touch entries in the same order (the order of frames on
/// the worker's pipe), so the node always knows, without asking, which packages a worker has evicted
/// and must be sent again.
/// </summary>
/// <remarks>
/// The bound matters: a process dies at about 8,000 live collectible load contexts, because each holds
/// memory mappings (Linux allows 65,530 per process).
/// </remarks>
internal sealed class LoadedPackageSet
{
    /// <summary>The default number of packages a worker keeps loaded.</summary>
    public const int DefaultCapacity = 256;

    private readonly int _capacity;
    private readonly LinkedList<uint> _order = new();
    private readonly Dictionary<uint, LinkedListNode<uint>> _nodes = [];

    public LoadedPackageSet(int capacity = DefaultCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count => _nodes.Count;

    /// <summary>Marks a package used. Returns false if it is not loaded.</summary>
    public bool Touch(uint handle)
    {
        if (!_nodes.TryGetValue(handle, out var node))
            return false;
        if (node != _order.Last)
        {
            _order.Remove(node);
            _order.AddLast(node);
        }

        return true;
    }

    /// <summary>Records that a package was loaded. Returns the package evicted to make room, if any.</summary>
    public uint? Add(uint handle)
    {
        if (Touch(handle))
            return null;
        _nodes[handle] = _order.AddLast(handle);
        if (_nodes.Count <= _capacity)
            return null;
        var oldest = _order.First!.Value;
        _order.RemoveFirst();
        _nodes.Remove(oldest);
        return oldest;
    }
}
