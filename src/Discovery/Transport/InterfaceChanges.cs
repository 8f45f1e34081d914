namespace ParallelSharp.Discovery.Transport;

/// <summary>What a re-scan found different from the interfaces in use before: new, vanished and re-addressed ones.</summary>
/// <param name="Added">Interfaces mDNS now runs on that it did not run on before.</param>
/// <param name="Removed">Interfaces mDNS no longer runs on (gone, down, or without an IPv4 address).</param>
/// <param name="Changed">Interfaces still in use whose addresses changed: (before, now).</param>
internal sealed record InterfaceChanges(
    IReadOnlyList<MdnsInterface> Added,
    IReadOnlyList<MdnsInterface> Removed,
    IReadOnlyList<(MdnsInterface Old, MdnsInterface New)> Changed)
{
    /// <summary>Nothing changed.</summary>
    public static readonly InterfaceChanges None = new([], [], []);

    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;

    /// <summary>Compares two interface lists by index; an interface whose name or addresses differ counts as changed.</summary>
    public static InterfaceChanges Compute(IReadOnlyList<MdnsInterface> before, IReadOnlyList<MdnsInterface> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = before.ToDictionary(i => i.Index);
        var now = after.ToDictionary(i => i.Index);
        var added = after.Where(i => !old.ContainsKey(i.Index)).ToList();
        var removed = before.Where(i => !now.ContainsKey(i.Index)).ToList();
        var changed = after
            .Where(i => old.TryGetValue(i.Index, out var was) && !was.HasSameConfiguration(i))
            .Select(i => (old[i.Index], i))
            .ToList();
        return added.Count == 0 && removed.Count == 0 && changed.Count == 0 ? None : new InterfaceChanges(added, removed, changed);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"added [{string.Join("; ", Added)}], removed [{string.Join("; ", Removed)}], " +
        $"changed [{string.Join("; ", Changed.Select(c => $"{c.Old} -> {c.New}"))}]";
}
