using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Engine;

/// <summary>The <see cref="ServiceBrowser"/> implementation: a <see cref="BrowserEngine"/> on an <see cref="IMdnsTransport"/>.</summary>
internal sealed class MdnsBrowser : ServiceBrowser
{
    private const int WatchCapacity = 1024;

    private readonly MdnsOptions _options;
    private readonly Func<IMdnsTransport>? _transportFactory;
    private readonly Func<INetworkChangeSource>? _networkChangeFactory;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _disposing = new();
    private IMdnsTransport? _transport;
    private INetworkChangeSource? _networkChanges;
    private BrowserEngine? _engine;
    private int _started;
    private bool _disposed;

    public MdnsBrowser(string serviceType, MdnsOptions options, Func<IMdnsTransport>? transportFactory, Func<INetworkChangeSource>? networkChangeFactory = null)
    {
        ServiceType = serviceType;
        _options = options;
        _transportFactory = transportFactory;
        _networkChangeFactory = networkChangeFactory;
        _logger = options.LoggerFactory.CreateLogger("ParallelSharp.Discovery.Browser");
    }

    public override string ServiceType { get; }

    public override IReadOnlyList<DiscoveredService> Services => _engine?.Services ?? [];

    public override event EventHandler<ServiceChangedEventArgs>? ServiceChanged;

    public override Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw Errors.AlreadyStarted("browser");
        cancellationToken.ThrowIfCancellationRequested();
        return StartCoreAsync(cancellationToken);
    }

    public override Task<DiscoveredService> WaitForServiceAsync(Func<DiscoveredService, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var engine = _engine ?? throw Errors.NotStarted("browser");
        return WaitCoreAsync(engine, predicate, cancellationToken);
    }

    public override IAsyncEnumerable<ServiceChangedEventArgs> WatchAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var engine = _engine ?? throw Errors.NotStarted("browser");
        return WatchCoreAsync(engine, cancellationToken);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        await _disposing.CancelAsync().ConfigureAwait(false);
        _engine?.Dispose();
        _networkChanges?.Dispose();
        if (_transport is not null)
            await _transport.DisposeAsync().ConfigureAwait(false);
        // _disposing is not disposed: streams and waiters may still link to its token; it owns no timer.
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        _transport = _transportFactory?.Invoke() ?? UdpMdnsTransport.Open(_options, _logger);
        _networkChanges = _networkChangeFactory?.Invoke() ?? new NetworkChangeSource(_options.RescanInterval, _options.TimeProvider, _logger);
        var engine = new BrowserEngine(ServiceType, _transport, _networkChanges, _options.TimeProvider, _options.Random, _logger);
        engine.Changed += change => ServiceChanged?.Invoke(this, change);
        _engine = engine;
        await _transport.StartAsync(engine.OnPacket, cancellationToken).ConfigureAwait(false);
        engine.Start();
    }

    private async Task<DiscoveredService> WaitCoreAsync(BrowserEngine engine, Func<DiscoveredService, bool> predicate, CancellationToken cancellationToken)
    {
        var found = new TaskCompletionSource<DiscoveredService>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChanged(ServiceChangedEventArgs change)
        {
            if (change.Kind == ServiceChangeKind.Removed)
                return;
            try
            {
                if (predicate(change.Service))
                    found.TrySetResult(change.Service);
            }
            catch (Exception ex)
            {
                found.TrySetException(ex);
            }
        }

        // Subscribe before looking at the current list, so a service that appears in between is not missed.
        engine.Changed += OnChanged;
        try
        {
            foreach (var service in engine.Services)
            {
                if (predicate(service))
                    return service;
            }

            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
            return await found.Task.WaitAsync(linked.Token).ConfigureAwait(false);
        }
        finally
        {
            engine.Changed -= OnChanged;
        }
    }

    private async IAsyncEnumerable<ServiceChangedEventArgs> WatchCoreAsync(BrowserEngine engine, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<ServiceChangedEventArgs>(new BoundedChannelOptions(WatchCapacity)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        void OnChanged(ServiceChangedEventArgs change) => channel.Writer.TryWrite(change);
        engine.Changed += OnChanged;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        // What this stream has told its reader, so that a Found seen both in the snapshot and as an event is reported once.
        var told = new Dictionary<string, DiscoveredService>(StringComparer.Ordinal);
        try
        {
            foreach (var service in engine.Services)
            {
                told[service.InstanceName] = service;
                yield return new ServiceChangedEventArgs(ServiceChangeKind.Found, service);
            }

            while (true)
            {
                ServiceChangedEventArgs change;
                try
                {
                    change = await channel.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_disposing.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    yield break; // browser disposed: the stream ends
                }

                var key = change.Service.InstanceName;
                if (change.Kind == ServiceChangeKind.Removed)
                {
                    if (!told.Remove(key))
                        continue;
                }
                else
                {
                    if (told.TryGetValue(key, out var previous) && previous.HasSameContent(change.Service))
                        continue;
                    var kind = told.ContainsKey(key) ? ServiceChangeKind.Updated : ServiceChangeKind.Found;
                    told[key] = change.Service;
                    change = new ServiceChangedEventArgs(kind, change.Service);
                }

                yield return change;
            }
        }
        finally
        {
            engine.Changed -= OnChanged;
        }
    }
}
