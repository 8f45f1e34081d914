using ParallelSharp.Nodes;

namespace ParallelSharp;

public sealed partial class JobServer
{
    /// <summary>
    /// Connects a node over a stream the caller already opened, runs the handshake with the server's remote settings
    /// (secret, cluster, heartbeats) and hands the connection to the scheduler.
    /// </summary>
    /// <remarks>
    /// The seam unit tests use to attach in-process fake nodes (a <c>DuplexStream</c> pair) to a real server. The caller
    /// owns the returned connection: it is not reconnected when lost, and the caller disposes it after the server.
    /// </remarks>
    /// <exception cref="NodeUnavailableException">The node refused us or we refused it.</exception>
    /// <exception cref="ProtocolException">The node sent something malformed.</exception>
    internal async Task<NodeConnection> AddNodeAsync(Stream stream, string endpoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ThrowIfDisposed();
        var connection = await NodeConnection.ConnectAsync(stream, endpoint, isLocal: false, _remoteSettings, _scheduler, cancellationToken).ConfigureAwait(false);
        _scheduler.AddNode(connection);
        return connection;
    }
}
