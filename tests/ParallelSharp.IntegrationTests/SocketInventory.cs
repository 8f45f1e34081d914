using System.Globalization;
using System.Net;

namespace ParallelSharp.IntegrationTests;

/// <summary>Lists the sockets a set of Linux processes own (from /proc/PID/fd and /proc/PID/net/*).</summary>
internal static class SocketInventory
{
    public sealed record SocketEntry(string Protocol, IPEndPoint Local, bool IsListening, int ProcessId)
    {
        public override string ToString() => $"{Protocol} {Local}{(IsListening ? " LISTEN" : string.Empty)} (pid {ProcessId})";
    }

    public static IReadOnlyList<SocketEntry> Of(IEnumerable<int> processIds)
    {
        var result = new List<SocketEntry>();
        foreach (var pid in processIds)
        {
            var inodes = SocketInodes(pid);
            foreach (var (protocol, file) in new[] { ("tcp", "tcp"), ("tcp6", "tcp6"), ("udp", "udp"), ("udp6", "udp6") })
            {
                var path = $"/proc/{pid}/net/{file}";
                if (!File.Exists(path))
                    continue;
                foreach (var line in File.ReadLines(path).Skip(1))
                {
                    var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length < 10 || !inodes.Contains(fields[9]))
                        continue;
                    var listening = protocol.StartsWith("tcp", StringComparison.Ordinal) && fields[3] == "0A";
                    result.Add(new SocketEntry(protocol, ParseEndPoint(fields[1]), listening, pid));
                }
            }
        }

        return result;
    }

    private static HashSet<string> SocketInodes(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
        {
            try
            {
                var target = new FileInfo(fd).LinkTarget;
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
                    inodes.Add(target["socket:[".Length..^1]);
            }
            catch (IOException)
            {
                // The descriptor closed while we looked.
            }
        }

        return inodes;
    }

    private static IPEndPoint ParseEndPoint(string hex)
    {
        var parts = hex.Split(':');
        var port = int.Parse(parts[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var raw = Convert.FromHexString(parts[0]);
        // /proc prints the address as host-order 32-bit words.
        for (var i = 0; i < raw.Length; i += 4)
            Array.Reverse(raw, i, 4);
        return new IPEndPoint(new IPAddress(raw), port);
    }
}
