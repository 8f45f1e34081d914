using System.Text;

namespace ParallelSharp.Discovery.Dns;

/// <summary>DNS-SD TXT key/value attributes (RFC 6763 §6): parsing from and encoding to TXT strings.</summary>
internal static class TxtAttributes
{
    /// <summary>Longest TXT record we publish; RFC 6763 §6.2 recommends at most 200 bytes and allows 1300.</summary>
    public const int MaxPublishedLength = 1300;

    // Replaces bad sequences with U+FFFD instead of throwing: the bytes come from the network.
    private static readonly UTF8Encoding s_lenientUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Parses TXT strings into attributes: keys are case-insensitive and the first occurrence wins (§6.4),
    /// <c>key</c> alone is a boolean attribute (value <see langword="null"/>), <c>key=</c> has the empty value (§6.4),
    /// strings that are empty, start with <c>=</c> or have a key outside printable ASCII are skipped (§6.4, §6.5).
    /// Values are decoded as UTF-8 with replacement characters for bad bytes.
    /// </summary>
    public static Dictionary<string, string?> Parse(IEnumerable<byte[]> strings)
    {
        ArgumentNullException.ThrowIfNull(strings);
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var s in strings)
        {
            if (s.Length == 0)
                continue;
            var equals = Array.IndexOf(s, (byte)'=');
            var keyLength = equals < 0 ? s.Length : equals;
            if (keyLength == 0 || !IsPrintableAscii(s.AsSpan(0, keyLength)))
                continue;
            var key = Encoding.ASCII.GetString(s, 0, keyLength);
            if (result.ContainsKey(key))
                continue; // §6.4: "If a client receives a TXT record containing the same key more than once, then the client MUST silently ignore all but the first occurrence"
            result[key] = equals < 0 ? null : s_lenientUtf8.GetString(s, equals + 1, s.Length - equals - 1);
        }

        return result;
    }

    /// <summary>
    /// Encodes attributes as TXT strings in the given order: <c>key=value</c>, or <c>key</c> for a <see langword="null"/> value.
    /// No attributes give no strings (the record then writes the single zero byte of an empty TXT).
    /// </summary>
    /// <exception cref="ArgumentException">A key is empty, has <c>=</c> or a character outside printable ASCII, is repeated, or a string or the record is too long.</exception>
    public static List<byte[]> Encode(IEnumerable<KeyValuePair<string, string?>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var strings = new List<byte[]>();
        var total = 0;
        foreach (var (key, value) in attributes)
        {
            ValidateKey(key);
            if (!seen.Add(key))
                throw new ArgumentException($"The TXT key '{key}' appears twice; keys are case-insensitive and must be unique.", nameof(attributes));
            byte[] bytes;
            try
            {
                bytes = value is null ? Encoding.ASCII.GetBytes(key) : [.. Encoding.ASCII.GetBytes(key), (byte)'=', .. s_strictUtf8.GetBytes(value)];
            }
            catch (EncoderFallbackException ex)
            {
                throw new ArgumentException($"The value of TXT key '{key}' is not valid Unicode text.", nameof(attributes), ex);
            }

            if (bytes.Length > 255)
                throw new ArgumentException($"The TXT entry for key '{key}' is {bytes.Length} bytes; one entry may have at most 255 bytes.", nameof(attributes));
            total += 1 + bytes.Length;
            strings.Add(bytes);
        }

        if (total > MaxPublishedLength)
            throw new ArgumentException($"The TXT record would be {total} bytes; keep it under {MaxPublishedLength} (RFC 6763 §6.2 recommends 200).", nameof(attributes));
        return strings;
    }

    /// <summary>Checks a key: 1+ characters of printable US-ASCII except <c>=</c> (RFC 6763 §6.4).</summary>
    /// <exception cref="ArgumentException">The key is not valid.</exception>
    public static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
            throw new ArgumentException("A TXT key must not be empty.", nameof(key));
        foreach (var c in key)
        {
            if (c is < (char)0x20 or > (char)0x7E or '=')
                throw new ArgumentException($"The TXT key '{key}' has the character U+{(int)c:X4}; keys are printable US-ASCII without '='.", nameof(key));
        }
    }

    /// <summary>Decodes bytes as UTF-8, never throwing.</summary>
    public static string DecodeLenient(byte[] bytes) => s_lenientUtf8.GetString(bytes);

    private static bool IsPrintableAscii(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (b is < 0x20 or > 0x7E)
                return false;
        }

        return true;
    }
}
