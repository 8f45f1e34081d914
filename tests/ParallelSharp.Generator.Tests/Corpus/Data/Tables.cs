using System.Collections.Frozen;

namespace ParallelSharp.Generator.Tests.Corpus.Data;

/// <summary>Static readonly lookup tables, one built in a static constructor.</summary>
public static class Tables
{
    private static readonly (int Value, string Symbol)[] s_roman =
    [
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ];

    private static readonly FrozenDictionary<char, string> s_morse = new Dictionary<char, string>
    {
        ['A'] = ".-", ['B'] = "-...", ['C'] = "-.-.", ['D'] = "-..", ['E'] = ".", ['H'] = "....", ['L'] = ".-..",
        ['O'] = "---", ['R'] = ".-.", ['S'] = "...", ['T'] = "-", ['W'] = ".--",
    }.ToFrozenDictionary();

    private static readonly uint[] s_crcTable;

    static Tables()
    {
        s_crcTable = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            s_crcTable[n] = c;
        }
    }

    public static string ToRoman(int number)
    {
        var result = new System.Text.StringBuilder();
        foreach (var (value, symbol) in s_roman)
        {
            while (number >= value)
            {
                result.Append(symbol);
                number -= value;
            }
        }

        return result.ToString();
    }

    public static string ToMorse(string text) =>
        string.Join(" ", text.ToUpperInvariant().Where(s_morse.ContainsKey).Select(c => s_morse[c]));

    public static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in (ReadOnlySpan<byte>)data)
            crc = s_crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc ^ 0xFFFFFFFFu;
    }
}
