using System.Text;

namespace ParallelSharp.Discovery.Dns;

/// <summary>A domain name as a list of labels.</summary>
/// <remarks>
/// Labels are kept apart rather than joined with dots because a DNS-SD instance label may itself contain
/// dots (RFC 6763 §4.3). Comparison ignores ASCII case only (RFC 6762 §16); other characters compare exactly.
/// </remarks>
internal sealed class DnsName : IEquatable<DnsName>
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string[] _labels;
    private readonly int _hash;

    /// <summary>The root name (no labels).</summary>
    public static readonly DnsName Root = new([]);

    private DnsName(string[] labels)
    {
        _labels = labels;
        var hash = new HashCode();
        foreach (var label in labels)
        {
            hash.Add(label.Length);
            foreach (var c in label)
                hash.Add(ToLowerAscii(c));
        }

        _hash = hash.ToHashCode();
    }

    /// <summary>The labels, leftmost first.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>Bytes this name takes on the wire without compression, length bytes and root included.</summary>
    public int WireLength
    {
        get
        {
            var length = 1;
            foreach (var label in _labels)
                length += 1 + s_strictUtf8.GetByteCount(label);
            return length;
        }
    }

    /// <summary>Builds a name from labels, checking the label and name length limits.</summary>
    /// <exception cref="ArgumentException">A label is empty or longer than 63 bytes, or the name is longer than 255 bytes.</exception>
    public static DnsName FromLabels(params IEnumerable<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var array = labels.ToArray();
        var length = 1;
        foreach (var label in array)
        {
            ArgumentNullException.ThrowIfNull(label, nameof(labels));
            int bytes;
            try
            {
                bytes = s_strictUtf8.GetByteCount(label);
            }
            catch (EncoderFallbackException ex)
            {
                throw new ArgumentException($"The DNS label '{label}' is not valid Unicode text.", nameof(labels), ex);
            }

            if (bytes is 0 or > DnsConstants.MaxLabelLength)
                throw new ArgumentException($"The DNS label '{label}' is {bytes} bytes long; a label must be 1 to {DnsConstants.MaxLabelLength} bytes of UTF-8.", nameof(labels));
            length += 1 + bytes;
        }

        if (length > DnsConstants.MaxNameLength)
            throw new ArgumentException($"The DNS name '{string.Join('.', array)}' is {length} bytes long on the wire; the limit is {DnsConstants.MaxNameLength}.", nameof(labels));
        return new DnsName(array);
    }

    /// <summary>Parses a dotted name such as <c>_parallelsharp._tcp.local</c> (no escapes; a trailing dot is allowed).</summary>
    /// <exception cref="ArgumentException">The text is empty or has an empty label, or a limit is exceeded.</exception>
    public static DnsName Parse(string dotted)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dotted);
        var text = dotted.EndsWith('.') ? dotted[..^1] : dotted;
        if (text.Length == 0)
            return Root;
        return FromLabels(text.Split('.'));
    }

    /// <summary>Builds a name without checking limits; the reader has checked them already.</summary>
    internal static DnsName FromTrustedLabels(List<string> labels) => new([.. labels]);

    /// <summary>Returns <paramref name="label"/> followed by this name's labels.</summary>
    public DnsName Prepend(string label) => FromLabels([label, .. _labels]);

    /// <summary>Returns the name without its leftmost label; the root stays the root.</summary>
    public DnsName Parent() => _labels.Length == 0 ? this : new DnsName(_labels[1..]);

    /// <summary>True when this name ends with all the labels of <paramref name="suffix"/> and has exactly one more label.</summary>
    public bool IsChildOf(DnsName suffix)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        return _labels.Length == suffix._labels.Length + 1 && Parent().Equals(suffix);
    }

    /// <summary>Writes the name in RFC 4034 canonical form (uncompressed, ASCII letters lowered) for comparisons.</summary>
    public void WriteCanonical(List<byte> output)
    {
        foreach (var label in _labels)
        {
            var bytes = s_strictUtf8.GetBytes(label);
            output.Add((byte)bytes.Length);
            foreach (var b in bytes)
                output.Add(b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b);
        }

        output.Add(0);
    }

    /// <summary>The UTF-8 bytes of label <paramref name="index"/>.</summary>
    public byte[] GetLabelBytes(int index) => s_strictUtf8.GetBytes(_labels[index]);

    /// <summary>A lookup key for the suffix that starts at label <paramref name="index"/> (ASCII case folded).</summary>
    public string SuffixKey(int index)
    {
        var builder = new StringBuilder();
        for (var i = index; i < _labels.Length; i++)
        {
            foreach (var c in _labels[i])
                builder.Append(ToLowerAscii(c));
            builder.Append('\0');
        }

        return builder.ToString();
    }

    /// <inheritdoc />
    public bool Equals(DnsName? other)
    {
        if (other is null)
            return false;
        if (ReferenceEquals(this, other))
            return true;
        if (_hash != other._hash || _labels.Length != other._labels.Length)
            return false;
        for (var i = 0; i < _labels.Length; i++)
        {
            if (!LabelEquals(_labels[i], other._labels[i]))
                return false;
        }

        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as DnsName);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>The dotted form; dots and backslashes inside a label are escaped with a backslash.</summary>
    public override string ToString()
    {
        if (_labels.Length == 0)
            return ".";
        var builder = new StringBuilder();
        foreach (var label in _labels)
        {
            if (builder.Length > 0)
                builder.Append('.');
            foreach (var c in label)
            {
                if (c is '.' or '\\')
                    builder.Append('\\');
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    /// <summary>ASCII-case-insensitive label comparison (RFC 6762 §16).</summary>
    public static bool LabelEquals(string a, string b)
    {
        if (a.Length != b.Length)
            return false;
        for (var i = 0; i < a.Length; i++)
        {
            if (ToLowerAscii(a[i]) != ToLowerAscii(b[i]))
                return false;
        }

        return true;
    }

    private static char ToLowerAscii(char c) => c is >= 'A' and <= 'Z' ? (char)(c + 32) : c;
}
