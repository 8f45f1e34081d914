using System.Security.Cryptography;
using ParallelSharp.NodeDaemon.Tests.Infrastructure;

namespace ParallelSharp.NodeDaemon.Tests.AssemblyStore;

public sealed class AssemblyStoreTests : IDisposable
{
    private static readonly byte[] s_content = [.. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))];
    private static readonly string s_sha = Convert.ToHexStringLower(SHA256.HashData(s_content));

    private readonly TempDirectory _directory = new();
    private readonly NodeDaemon.AssemblyStore.NodeAssemblyStore _store;

    public AssemblyStoreTests() => _store = new NodeDaemon.AssemblyStore.NodeAssemblyStore(_directory.Path);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Put_MatchingContent_StoresFileWithThatContent()
    {
        var path = _store.Put(new AssemblyReference("Lib", s_sha, s_content.Length), s_content);

        Assert.True(_store.Has(s_sha));
        Assert.True(_store.Has(s_sha.ToUpperInvariant()));
        Assert.True(_store.TryGetPath(s_sha, out var found));
        Assert.Equal(path, found);
        Assert.Equal(s_content, File.ReadAllBytes(found));
        Assert.StartsWith(Path.GetFullPath(_directory.Path), found, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_directory.Path, "*.tmp"));
    }

    [Fact]
    public void Put_SameAssemblyTwice_IsIdempotent()
    {
        var reference = new AssemblyReference("Lib", s_sha, s_content.Length);

        var first = _store.Put(reference, s_content);
        var second = _store.Put(reference, s_content);

        Assert.Equal(first, second);
        Assert.Single(Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void Put_HashMismatch_IsRefusedAndNothingStored()
    {
        var tampered = s_content.ToArray();
        tampered[10] ^= 1;

        var error = Assert.Throws<InvalidDataException>(() => _store.Put(new AssemblyReference("Lib", s_sha, s_content.Length), tampered));

        Assert.Contains("does not match its SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains(s_sha, error.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was stored", error.Message, StringComparison.Ordinal);
        Assert.False(_store.Has(s_sha));
        Assert.Empty(Directory.GetFiles(_directory.Path));
    }

    [Fact]
    public void Put_LengthMismatch_IsRefused()
    {
        var error = Assert.Throws<InvalidDataException>(() => _store.Put(new AssemblyReference("Lib", s_sha, s_content.Length + 1), s_content));

        Assert.Contains("1000 byte(s) long", error.Message, StringComparison.Ordinal);
        Assert.False(_store.Has(s_sha));
    }

    [Theory]
    [InlineData("../../../../etc/passwd")]
    [InlineData("abc")]
    [InlineData("zz00000000000000000000000000000000000000000000000000000000000000")]
    public void Put_MalformedSha_IsRefusedAndLookupsSayNo(string sha)
    {
        Assert.Throws<ArgumentException>(() => _store.Put(new AssemblyReference("Lib", sha, s_content.Length), s_content));

        Assert.False(_store.Has(sha));
        Assert.False(_store.TryGetPath(sha, out var path));
        Assert.Null(path);
    }

    [Fact]
    public void FindMissing_ListsOnlyWhatIsNotStored()
    {
        var stored = new AssemblyReference("Lib", s_sha, s_content.Length);
        var missing = new AssemblyReference("Other", new string('0', 64), 10);
        _store.Put(stored, s_content);

        Assert.Equal([missing], _store.FindMissing([stored, missing]));
    }
}
