using ParallelSharp.Protocol.Framing;

namespace ParallelSharp.Protocol.Tests.Infrastructure;

/// <summary>A frame copied out of a reader, for assertions.</summary>
/// <param name="Type">The frame's type byte.</param>
/// <param name="Body">The frame's body.</param>
internal sealed record Frame(FrameType Type, byte[] Body)
{
    /// <summary>Asserts that two frame sequences hold the same types and bodies in the same order.</summary>
    public static void AssertSequenceEqual(IReadOnlyList<Frame> expected, IReadOnlyList<Frame> actual, string context)
    {
        Assert.True(expected.Count == actual.Count, $"{context}: expected {expected.Count} frame(s), got {actual.Count}.");
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Type == actual[i].Type, $"{context}: frame {i} has type {actual[i].Type}, expected {expected[i].Type}.");
            Assert.True(expected[i].Body.AsSpan().SequenceEqual(actual[i].Body),
                $"{context}: frame {i} ({expected[i].Type}) has a {actual[i].Body.Length}-byte body that differs from the expected {expected[i].Body.Length} bytes.");
        }
    }
}
