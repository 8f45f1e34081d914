using ParallelSharp.Protocol.Framing;
using ParallelSharp.Protocol.Messages;
using ParallelSharp.Protocol.Tests.Infrastructure;

namespace ParallelSharp.Protocol.Tests.Messages;

public class AssemblyMessageTests
{
    private const int MaxListed = 4096;

    private static string Sha(int i) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(MaxListed)]
    public async Task NeedAssemblies_WrittenThenRead_RoundTrips(int count)
    {
        var hashes = Enumerable.Range(0, count).Select(Sha).ToArray();
        var frame = await FrameBytes.RoundTripAsync(w => AssemblyMessages.WriteNeed(w, 77, hashes));

        var read = AssemblyMessages.ReadNeed(frame.Body, out var handle);

        Assert.Equal(FrameType.NeedAssemblies, frame.Type);
        Assert.Equal(77u, handle);
        Assert.Equal(hashes, read);
    }

    [Theory]
    [InlineData(MaxListed + 1)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    [InlineData(int.MinValue)]
    public void NeedAssembliesRead_CountOutsideTheLimit_ThrowsProtocolExceptionBeforeAllocating(int count)
    {
        var body = WireBytes.Build(w =>
        {
            w.WriteUInt32(1);
            w.WriteInt32(count);
        });

        var ex = Assert.Throws<ProtocolException>(() => AssemblyMessages.ReadNeed(body, out _));

        Assert.Equal($"A NeedAssemblies frame lists {count} assemblies; at most 4096 are allowed.", ex.Message);
    }

    [Fact]
    public void NeedAssembliesRead_CountLargerThanTheEntriesPresent_ThrowsProtocolException()
    {
        var body = WireBytes.Build(w =>
        {
            w.WriteUInt32(1);
            w.WriteInt32(MaxListed);
            w.WriteString(Sha(0));
        });

        Assert.Throws<ProtocolException>(() => AssemblyMessages.ReadNeed(body, out _));
    }

    [Fact]
    public async Task NeedAssembliesRead_EveryTruncationAndATrailingByte_ThrowProtocolException()
    {
        var body = (await FrameBytes.RoundTripAsync(w => AssemblyMessages.WriteNeed(w, 1, [Sha(1), Sha(2)]))).Body;

        foreach (var prefix in WireBytes.Prefixes(body))
            Assert.Throws<ProtocolException>(() => AssemblyMessages.ReadNeed(prefix, out _));
        var ex = Assert.Throws<ProtocolException>(() => AssemblyMessages.ReadNeed([.. body, 0], out _));
        Assert.Contains("need-assemblies", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4 * 1024 * 1024)]
    public async Task UploadAssembly_WrittenThenRead_RoundTrips(int length)
    {
        var content = new byte[length];
        new Random(length).NextBytes(content);
        var reference = new AssemblyReference("Newtonsoft.Json", Sha(9), length);
        var frame = await FrameBytes.RoundTripAsync(w => AssemblyMessages.WriteUpload(w, reference, content));

        var read = AssemblyMessages.ReadUpload(frame.Body, out var readContent);

        Assert.Equal(FrameType.UploadAssembly, frame.Type);
        Assert.Equal(reference, read);
        Assert.Equal(content, readContent.ToArray());
    }

    [Fact]
    public async Task UploadAssemblyRead_TruncatedInItsNameOrHash_ThrowsProtocolException()
    {
        var reference = new AssemblyReference("Lib", Sha(1), 3);
        var body = (await FrameBytes.RoundTripAsync(w => AssemblyMessages.WriteUpload(w, reference, [1, 2, 3]))).Body;
        var headerLength = 4 + 3 + 4 + 64;

        foreach (var prefix in WireBytes.Prefixes(body[..headerLength]))
            Assert.Throws<ProtocolException>(() => AssemblyMessages.ReadUpload(prefix, out _));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(2, 100)]
    [InlineData(MaxListed, 10)]
    public async Task LoadPackage_WrittenThenRead_RoundTrips(int references, int imageLength)
    {
        var paths = Enumerable.Range(0, references).Select(i => $"/cache/assemblies/{Sha(i)}.dll").ToArray();
        var image = new byte[imageLength];
        new Random(imageLength).NextBytes(image);
        var message = new LoadPackageMessage(uint.MaxValue, Sha(42), paths, image);
        var frame = await FrameBytes.RoundTripAsync(message.Write);

        var read = LoadPackageMessage.Read(frame.Body);

        Assert.Equal(FrameType.LoadPackage, frame.Type);
        Assert.Equal(message.Handle, read.Handle);
        Assert.Equal(message.Key, read.Key);
        Assert.Equal(paths, read.ReferencePaths);
        Assert.Equal(image, read.Image);
    }

    [Theory]
    [InlineData(MaxListed + 1)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void LoadPackageRead_CountOutsideTheLimit_ThrowsProtocolException(int count)
    {
        var body = WireBytes.Build(w =>
        {
            w.WriteUInt32(1);
            w.WriteString("key");
            w.WriteInt32(count);
        });

        var ex = Assert.Throws<ProtocolException>(() => LoadPackageMessage.Read(body));

        Assert.Equal($"A LoadPackage frame lists {count} references; at most 4096 are allowed.", ex.Message);
    }

    [Fact]
    public async Task LoadPackageRead_TruncatedBeforeItsImage_ThrowsProtocolException()
    {
        var body = (await FrameBytes.RoundTripAsync(new LoadPackageMessage(1, "key", ["/a.dll", "/b.dll"], []).Write)).Body;

        foreach (var prefix in WireBytes.Prefixes(body))
            Assert.Throws<ProtocolException>(() => LoadPackageMessage.Read(prefix));
    }
}
