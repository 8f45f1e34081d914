using ParallelSharp.Discovery.Dns;

namespace ParallelSharp.Discovery.Tests.Dns;

public sealed class TxtAttributesTests
{
    [Fact]
    public void Parse_DuplicateKeys_FirstOccurrenceWinsCaseInsensitively()
    {
        var txt = TxtAttributes.Parse([B("cpus=4"), B("CPUS=8"), B("os=linux")]);

        Assert.Equal("4", txt["cpus"]);
        Assert.Equal("4", txt["Cpus"]);
        Assert.Equal(2, txt.Count);
    }

    [Fact]
    public void Parse_BooleanAndEmptyValues_AreDistinguished()
    {
        var txt = TxtAttributes.Parse([B("gpu"), B("note="), B("k=a=b")]);

        Assert.True(txt.ContainsKey("gpu"));
        Assert.Null(txt["gpu"]);
        Assert.Equal("", txt["note"]);
        Assert.Equal("a=b", txt["k"]);
    }

    [Fact]
    public void Parse_EmptyStringsMissingKeysAndControlCharacters_AreSkipped()
    {
        var txt = TxtAttributes.Parse([[], B("=value"), [0x01, (byte)'k', (byte)'=', (byte)'v'], B("ok=1")]);

        Assert.Equal(new Dictionary<string, string?> { ["ok"] = "1" }, txt);
    }

    [Fact]
    public void Parse_InvalidUtf8Value_IsReplacedNotThrown()
    {
        var txt = TxtAttributes.Parse([[(byte)'n', (byte)'=', 0xC3, 0x28, 0xFF]]);

        Assert.Contains('\uFFFD', txt["n"]!);
    }

    [Fact]
    public void Encode_BooleanAndValues_InGivenOrder()
    {
        var strings = TxtAttributes.Encode([new("txtvers", "1"), new("gpu", null), new("os", "linux")]);

        Assert.Equal(["txtvers=1", "gpu", "os=linux"], strings.Select(s => System.Text.Encoding.UTF8.GetString(s)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a=b")]
    [InlineData("tab\t")]
    [InlineData("ключ")]
    public void Encode_InvalidKey_Throws(string key) =>
        Assert.Throws<ArgumentException>(() => TxtAttributes.Encode([new(key, "v")]));

    [Fact]
    public void Encode_DuplicateKeyOrOversizeEntry_Throws()
    {
        Assert.Throws<ArgumentException>(() => TxtAttributes.Encode([new("a", "1"), new("A", "2")]));
        Assert.Throws<ArgumentException>(() => TxtAttributes.Encode([new("a", new string('x', 300))]));
    }

    private static byte[] B(string s) => System.Text.Encoding.UTF8.GetBytes(s);
}
