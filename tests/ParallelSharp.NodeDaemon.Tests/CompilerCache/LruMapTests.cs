using ParallelSharp.NodeDaemon.CompilerCache;

namespace ParallelSharp.NodeDaemon.Tests.CompilerCache;

public sealed class LruMapTests
{
    [Fact]
    public void Set_BeyondCapacity_ForgetsLeastRecentlyUsed()
    {
        var map = new LruMap<string, int>(2);
        map.Set("a", 1);
        map.Set("b", 2);
        Assert.True(map.TryGet("a", out _));

        Assert.Equal(1, map.Set("c", 3));

        Assert.True(map.TryGet("a", out var a));
        Assert.Equal(1, a);
        Assert.False(map.TryGet("b", out _));
        Assert.True(map.TryGet("c", out _));
        Assert.Equal(2, map.Count);
    }

    [Fact]
    public void Set_ZeroCapacity_HoldsNothing()
    {
        var map = new LruMap<string, int>(0);

        map.Set("a", 1);

        Assert.False(map.TryGet("a", out _));
        Assert.Equal(0, map.Count);
    }

    [Fact]
    public void Set_ExistingKey_ReplacesValue()
    {
        var map = new LruMap<string, int>(2);
        map.Set("a", 1);

        map.Set("a", 5);

        Assert.True(map.TryGet("a", out var value));
        Assert.Equal(5, value);
        Assert.Equal(1, map.Count);
        Assert.True(map.Remove("a"));
        Assert.False(map.Remove("a"));
    }
}
