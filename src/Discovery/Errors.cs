namespace ParallelSharp.Discovery;

/// <summary>Builds this assembly's exceptions so that their messages stay consistent.</summary>
internal static class Errors
{
    internal static DiscoveryException NoUsableInterface(IEnumerable<string> requested) =>
        new($"No network interface is usable for mDNS (requested: {Describe(requested)}). List interfaces by name or " +
            "IPv4 address that are up, multicast-capable and have an IPv4 address, or leave the list empty for loopback only.");

    internal static DiscoveryException LoopbackMissing() =>
        new("Loopback-only mDNS was requested, but no loopback interface with 127.0.0.1 exists. Check the network " +
            "namespace (is 'lo' up?) or list a real interface.");

    internal static DiscoveryException SocketFailed(int port, Exception inner) =>
        new($"Could not open the mDNS socket on UDP port {port}: {inner.Message}. Another program may hold the port " +
            "without SO_REUSEADDR; stop it or use a static node list instead of discovery.", inner);

    internal static InvalidOperationException AlreadyStarted(string component) =>
        new($"The {component} has been started already; create a new one to start again.");

    internal static InvalidOperationException NotStarted(string component) =>
        new($"The {component} has not been started; call StartAsync first.");

    private static string Describe(IEnumerable<string> requested)
    {
        var list = requested.ToList();
        return list.Count == 0 ? "loopback only" : string.Join(", ", list);
    }
}
