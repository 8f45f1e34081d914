using ParallelSharp.Discovery.Engine;

namespace ParallelSharp.Discovery;

/// <summary>Finds, resolves and tracks the instances of one DNS-SD service type over mDNS.</summary>
/// <remarks>
/// <para>Create one with <see cref="Create"/> and <see cref="StartAsync"/>. It queries continuously (back-off from 1 s
/// up to an hour), caches records with their TTLs, refreshes them before they expire and reports services as
/// found, updated and removed: through <see cref="ServiceChanged"/>, through <see cref="WatchAsync"/>, or by waiting
/// for one with <see cref="WaitForServiceAsync"/>.</para>
/// <code>
/// await using var browser = ServiceBrowser.Create(new MdnsOptions { Interfaces = { "eth0" } });
/// await browser.StartAsync(cancellationToken);
/// var node = await browser.WaitForServiceAsync(s => s.Txt.ContainsKey("cpus"), cancellationToken);
/// await foreach (var change in browser.WatchAsync(cancellationToken)) { /* Found / Updated / Removed */ }
/// </code>
/// <para>After a network change (an interface or address came or went, see <see cref="MdnsOptions.RescanInterval"/>)
/// it queries again from the shortest interval, and services learned only on an interface that went away are removed
/// after a few seconds unless they answer on another one.</para>
/// <para>Treat mDNS as "who exists", not as liveness: a node that dies without goodbye stays listed until its
/// records expire (120 s), or until queries for them go unanswered (at least two within 10 s: RFC 6762 §10.5, which
/// on a link where others browse usually comes first). Use connection failures and heartbeats for liveness.</para>
/// </remarks>
public abstract class ServiceBrowser : IAsyncDisposable
{
    /// <summary>The service type browsed, e.g. <c>_parallelsharp._tcp</c>.</summary>
    public abstract string ServiceType { get; }

    /// <summary>The services resolved now (SRV, TXT and at least one address each).</summary>
    public abstract IReadOnlyList<DiscoveredService> Services { get; }

    /// <summary>Raised for every found, updated or removed service, in order, on a network or timer thread.</summary>
    /// <remarks>Handlers must return quickly; an exception from a handler is logged and ignored.</remarks>
    public abstract event EventHandler<ServiceChangedEventArgs>? ServiceChanged;

    /// <summary>Creates a browser; nothing is sent until <see cref="StartAsync"/>.</summary>
    /// <param name="options">Interfaces, logging and clock; <see langword="null"/> for loopback only.</param>
    /// <param name="serviceType">The type to browse; defaults to <see cref="ServiceProfile.DefaultServiceType"/>.</param>
    /// <exception cref="ArgumentException">The service type is not of the form <c>_name._tcp</c> or <c>_name._udp</c>.</exception>
    public static ServiceBrowser Create(MdnsOptions? options = null, string serviceType = ServiceProfile.DefaultServiceType)
    {
        _ = ServiceProfile.ServiceTypeName(serviceType); // validates
        return new MdnsBrowser(serviceType, options ?? new MdnsOptions(), transportFactory: null);
    }

    /// <summary>Opens the mDNS socket and starts querying; returns at once.</summary>
    /// <exception cref="DiscoveryException">No usable interface, or the socket could not be opened.</exception>
    /// <exception cref="InvalidOperationException">Already started.</exception>
    public abstract Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Completes with the first service (already known or yet to come) that matches <paramref name="predicate"/>.</summary>
    /// <remarks>For a deadline, pass a token from a <see cref="CancellationTokenSource"/> with <c>CancelAfter</c>.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    /// <exception cref="InvalidOperationException">Not started.</exception>
    public abstract Task<DiscoveredService> WaitForServiceAsync(Func<DiscoveredService, bool> predicate, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams changes: first a <see cref="ServiceChangeKind.Found"/> for every service known now, then every change
    /// as it happens, until <paramref name="cancellationToken"/> is cancelled or the browser is disposed.
    /// </summary>
    /// <remarks>A consumer more than 1024 changes behind loses the oldest ones.</remarks>
    public abstract IAsyncEnumerable<ServiceChangedEventArgs> WatchAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops querying and closes the socket; streams from <see cref="WatchAsync"/> end.</summary>
    public abstract ValueTask DisposeAsync();
}
