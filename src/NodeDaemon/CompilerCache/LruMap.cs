using System.Diagnostics.CodeAnalysis;

namespace ParallelSharp.NodeDaemon.CompilerCache;

/// <summary>A map bounded by count that forgets the least recently used entry first. Not thread-safe: the owner locks.</summary>
internal sealed class LruMap<TKey, TValue>
    where TKey : notnull
{
    private readonly Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>> _nodes;
    private readonly LinkedList<KeyValuePair<TKey, TValue>> _order = new(); // most recently used first

    /// <summary>Creates a map holding at most <paramref name="capacity"/> entries (zero: holds nothing).</summary>
    public LruMap(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        Capacity = capacity;
        _nodes = new Dictionary<TKey, LinkedListNode<KeyValuePair<TKey, TValue>>>(comparer);
    }

    /// <summary>The most entries the map holds.</summary>
    public int Capacity { get; }

    /// <summary>How many entries the map holds.</summary>
    public int Count => _nodes.Count;

    /// <summary>Looks up <paramref name="key"/> and marks it most recently used.</summary>
    public bool TryGet(TKey key, [MaybeNullWhen(false)] out TValue value)
    {
        if (_nodes.TryGetValue(key, out var node))
        {
            if (node != _order.First)
            {
                _order.Remove(node);
                _order.AddFirst(node);
            }

            value = node.Value.Value;
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>Adds or replaces <paramref name="key"/> as most recently used, then forgets the least recently used beyond capacity.</summary>
    /// <returns>How many entries were forgotten.</returns>
    public int Set(TKey key, TValue value)
    {
        if (_nodes.Remove(key, out var existing))
            _order.Remove(existing);
        if (Capacity == 0)
            return 0;

        _nodes[key] = _order.AddFirst(new KeyValuePair<TKey, TValue>(key, value));
        var evicted = 0;
        while (_nodes.Count > Capacity)
        {
            var last = _order.Last!;
            _order.RemoveLast();
            _nodes.Remove(last.Value.Key);
            evicted++;
        }

        return evicted;
    }

    /// <summary>Forgets <paramref name="key"/>.</summary>
    public bool Remove(TKey key)
    {
        if (!_nodes.Remove(key, out var node))
            return false;
        _order.Remove(node);
        return true;
    }
}
