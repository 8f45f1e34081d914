using System.Buffers;
using System.Text;
using ParallelSharp.Protocol.Wire;

namespace ParallelSharp.Protocol.Tests.Wire;

public class WireFormatTests
{
    private static byte[] Written(Action<ArrayBufferWriter<byte>> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Primitives_WrittenThenRead_RoundTripWithNothingLeft()
    {
        byte[] block = [0, 1, 2, 0xFF];
        byte[] raw = [9, 8, 7];
        var bytes = Written(b =>
        {
            var w = new WireWriter(b);
            w.WriteByte(0);
            w.WriteByte(0xFF);
            w.WriteUInt16(0);
            w.WriteUInt16(ushort.MaxValue);
            w.WriteInt32(int.MinValue);
            w.WriteInt32(-1);
            w.WriteInt32(int.MaxValue);
            w.WriteUInt32(0);
            w.WriteUInt32(uint.MaxValue);
            w.WriteInt64(long.MinValue);
            w.WriteInt64(-2);
            w.WriteInt64(long.MaxValue);
            w.WriteString(string.Empty);
            w.WriteString("plain ascii");
            w.WriteString("héllo, 世界 € 𝄞");
            w.WriteBlock([]);
            w.WriteBlock(block);
            w.WriteRaw(raw);
        });

        var r = new WireReader(bytes);
        Assert.Equal(0, r.ReadByte());
        Assert.Equal(0xFF, r.ReadByte());
        Assert.Equal(0, r.ReadUInt16());
        Assert.Equal(ushort.MaxValue, r.ReadUInt16());
        Assert.Equal(int.MinValue, r.ReadInt32());
        Assert.Equal(-1, r.ReadInt32());
        Assert.Equal(int.MaxValue, r.ReadInt32());
        Assert.Equal(0u, r.ReadUInt32());
        Assert.Equal(uint.MaxValue, r.ReadUInt32());
        Assert.Equal(long.MinValue, r.ReadInt64());
        Assert.Equal(-2, r.ReadInt64());
        Assert.Equal(long.MaxValue, r.ReadInt64());
        Assert.Equal(string.Empty, r.ReadString());
        Assert.Equal("plain ascii", r.ReadString());
        Assert.Equal("héllo, 世界 € 𝄞", r.ReadString());
        Assert.True(r.ReadBlock().IsEmpty);
        Assert.Equal(block, r.ReadBlock().ToArray());
        Assert.Equal(3, r.Remaining);
        Assert.Equal(raw, r.ReadRest().ToArray());
        Assert.Equal(0, r.Remaining);
        r.EnsureEnd("test");
        Assert.True(r.ReadRest().IsEmpty);
    }

    [Fact]
    public void Integers_Written_AreLittleEndianWhateverTheMachine()
    {
        var bytes = Written(b =>
        {
            var w = new WireWriter(b);
            w.WriteUInt16(0x0102);
            w.WriteInt32(0x03040506);
            w.WriteUInt32(0x0708090A);
            w.WriteInt64(0x0B0C0D0E0F101112);
        });

        Assert.Equal([0x02, 0x01, 0x06, 0x05, 0x04, 0x03, 0x0A, 0x09, 0x08, 0x07, 0x12, 0x11, 0x10, 0x0F, 0x0E, 0x0D, 0x0C, 0x0B], bytes);
    }

    [Fact]
    public void WriteString_MultiByteText_IsPrefixedByItsUtf8ByteLength()
    {
        var bytes = Written(b => new WireWriter(b).WriteString("€"));

        Assert.Equal([3, 0, 0, 0, 0xE2, 0x82, 0xAC], bytes);
    }

    [Fact]
    public void WriteString_LongText_RoundTrips()
    {
        var text = string.Concat(Enumerable.Repeat("ParallelSharp ✓ ", 20_000));
        var bytes = Written(b => new WireWriter(b).WriteString(text));

        var r = new WireReader(bytes);
        Assert.Equal(text, r.ReadString());
        r.EnsureEnd("long string");
    }

    public static TheoryData<string, int> Fields => new()
    {
        { "byte", 1 },
        { "uint16", 2 },
        { "int32", 4 },
        { "uint32", 4 },
        { "int64", 8 },
        { "string length", 4 },
        { "block length", 4 },
    };

    private static void ReadField(string field, ref WireReader r)
    {
        switch (field)
        {
            case "byte": r.ReadByte(); break;
            case "uint16": r.ReadUInt16(); break;
            case "int32": r.ReadInt32(); break;
            case "uint32": r.ReadUInt32(); break;
            case "int64": r.ReadInt64(); break;
            case "string length": r.ReadString(); break;
            case "block length": r.ReadBlock(); break;
            default: throw new ArgumentOutOfRangeException(nameof(field), field, null);
        }
    }

    [Theory]
    [MemberData(nameof(Fields))]
    public void Read_FieldCutShort_ThrowsProtocolExceptionForEveryMissingLength(string field, int size)
    {
        for (var available = 0; available < size; available++)
        {
            var data = new byte[available];
            var ex = Assert.Throws<ProtocolException>(() =>
            {
                var r = new WireReader(data);
                ReadField(field, ref r);
            });
            Assert.Contains("truncated", ex.Message, StringComparison.Ordinal);
            Assert.Contains($"needed {size} more byte(s), {available} left", ex.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(1u, 0)]
    [InlineData(10u, 9)]
    [InlineData(0x7FFF_FFFFu, 3)]
    [InlineData(0x8000_0000u, 3)]
    [InlineData(uint.MaxValue, 100)]
    public void ReadBlock_LengthLargerThanWhatRemains_ThrowsProtocolExceptionNamingBoth(uint claimed, int present)
    {
        var data = new byte[4 + present];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(data, claimed);

        var blockError = Assert.Throws<ProtocolException>(() => new WireReader(data).ReadBlock());
        var stringError = Assert.Throws<ProtocolException>(() => new WireReader(data).ReadString());

        Assert.Equal($"A field claims {claimed} bytes but only {present} remain in the frame.", blockError.Message);
        Assert.Equal(blockError.Message, stringError.Message);
    }

    [Theory]
    [InlineData(new byte[] { 0xC3, 0x28 })] // a lead byte followed by ASCII
    [InlineData(new byte[] { 0xFF })] // never valid
    [InlineData(new byte[] { 0xC0, 0xAF })] // overlong "/"
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // an encoded surrogate
    [InlineData(new byte[] { 0x61, 0xE2, 0x82 })] // a sequence cut at the end
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    public void ReadString_InvalidUtf8_ThrowsProtocolException(byte[] text)
    {
        var data = Written(b => new WireWriter(b).WriteBlock(text));

        var ex = Assert.Throws<ProtocolException>(() => new WireReader(data).ReadString());

        Assert.Contains("not valid UTF-8", ex.Message, StringComparison.Ordinal);
        Assert.IsType<DecoderFallbackException>(ex.InnerException, exactMatch: false);
    }

    [Fact]
    public void EnsureEnd_TrailingBytes_ThrowsProtocolExceptionNamingTheFrame()
    {
        var ex = Assert.Throws<ProtocolException>(() =>
        {
            var r = new WireReader([1, 2, 3]);
            r.ReadByte();
            r.EnsureEnd("heartbeat");
        });

        Assert.Equal("The heartbeat frame has 2 unexpected trailing byte(s).", ex.Message);
    }

    [Fact]
    public void Read_AfterAFailedRead_HasNotMoved()
    {
        var r = new WireReader([1, 2, 3]);
        ProtocolException? error = null;

        try
        {
            r.ReadInt32();
        }
        catch (ProtocolException ex)
        {
            error = ex;
        }

        Assert.NotNull(error);
        Assert.Equal(3, r.Remaining);
        Assert.Equal(0x0201, r.ReadUInt16());
    }
}
