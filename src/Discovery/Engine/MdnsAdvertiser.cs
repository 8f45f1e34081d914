using Microsoft.Extensions.Logging;
using ParallelSharp.Discovery.Transport;

namespace ParallelSharp.Discovery.Engine;

/// <summary>The <see cref="ServiceAdvertiser"/> implementation: a <see cref="ResponderEngine"/> on an <see cref="IMdnsTransport"/>.</summary>
internal sealed class MdnsAdvertiser : ServiceAdvertiser
{
    /// <summary>Longest we wait for the goodbye sequence (three packets 250 ms apart) when disposing.</summary>
    private static readonly TimeSpan s_goodbyeTimeout = TimeSpan.FromSeconds(5);

    private readonly MdnsOptions _options;
    private readonly Func<IMdnsTransport>? _transportFactory;
    private readonly Func<INetworkChangeSource>? _networkChangeFactory;
    private readonly ILogger _logger;
    private readonly ServiceProfile _profile;
    private IMdnsTransport? _transport;
    private INetworkChangeSource? _networkChanges;
    private ResponderEngine? _engine;
    private int _started;
    private bool _disposed;

    public MdnsAdvertiser(ServiceProfile profile, MdnsOptions options, Func<IMdnsTransport>? transportFactory, Func<INetworkChangeSource>? networkChangeFactory = null)
    {
        _profile = profile;
        _options = options;
        _transportFactory = transportFactory;
        _networkChangeFactory = networkChangeFactory;
        _logger = options.LoggerFactory.CreateLogger("ParallelSharp.Discovery.Advertiser");
    }

    public override string InstanceName => _engine?.InstanceLabel ?? _profile.InstanceName;

    public override string HostName => (_engine?.HostLabel ?? _profile.HostName) + ".local";

    public override ServiceProfile Profile => _profile;

    public override Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw Errors.AlreadyStarted("advertiser");
        cancellationToken.ThrowIfCancellationRequested();
        return StartCoreAsync(cancellationToken);
    }

    public override Task UpdateTxtAsync(IReadOnlyDictionary<string, string?> txt, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(txt);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var engine = _engine ?? throw Errors.NotStarted("advertiser");
        cancellationToken.ThrowIfCancellationRequested();
        engine.UpdateTxt(txt);
        return Task.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_engine is not null)
        {
            try
            {
                await _engine.StopAsync().WaitAsync(s_goodbyeTimeout, _options.TimeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The goodbye is best effort; the records expire by TTL anyway.
            }

            _engine.Dispose();
        }

        _networkChanges?.Dispose();

        if (_transport is not null)
            await _transport.DisposeAsync().ConfigureAwait(false);
    }

    private async Task StartCoreAsync(CancellationToken cancellationToken)
    {
        _transport = _transportFactory?.Invoke() ?? UdpMdnsTransport.Open(_options, _logger);
        _networkChanges = _networkChangeFactory?.Invoke() ?? new NetworkChangeSource(_options.RescanInterval, _options.TimeProvider, _logger);
        _engine = new ResponderEngine(_profile, _transport, _networkChanges, _options.TimeProvider, _options.Random, _logger);
        await _transport.StartAsync(_engine.OnPacket, cancellationToken).ConfigureAwait(false);
        _engine.Start();
        await _engine.FirstAnnouncement.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
