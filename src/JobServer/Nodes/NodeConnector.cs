using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using ParallelSharp.Scheduling;

namespace ParallelSharp.Nodes;

/// <summary>
/// Keeps one node connected: connect, hand the connection to the scheduler, and when it is lost, connect again
/// after a delay — until cancelled (the server stops, or discovery saw the node leave). A node that comes back is used again.
/// </summary>
internal sealed class NodeConnector(string host, int port, NodeConnectionSettings settings, JobScheduler scheduler, TimeSpan reconnectDelay, ILogger logger)
{
    public string Endpoint { get; } = host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";

    private NodeConnection? _current;

    /// <summary>The live connection, if there is one.</summary>
    public NodeConnection? Current => Volatile.Read(ref _current);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string? lastError = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            NodeConnection? connection = null;
            try
            {
                connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
                Volatile.Write(ref _current, connection);
                lastError = null;
                scheduler.AddNode(connection);
                await connection.Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is SocketException or IOException or NodeUnavailableException or ProtocolException or OperationCanceledException)
            {
                var error = ex.Message;
                scheduler.RecordNodeError(Endpoint, error);
                if (error != lastError)
                    Log.NodeConnectFailed(logger, Endpoint, error);
                lastError = error;
            }
            finally
            {
                if (connection is not null)
                {
                    Volatile.Write(ref _current, null);
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }

            try
            {
                await Task.Delay(reconnectDelay, settings.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task<NodeConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(settings.ConnectTimeout);
            try
            {
                await socket.ConnectAsync(host, port, deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new NodeUnavailableException($"Connecting to {Endpoint} timed out after {settings.ConnectTimeout.TotalSeconds:0.#} s.", NodeFailureKind.ConnectionFailed);
            }

            return await NodeConnection.ConnectAsync(new NetworkStream(socket, ownsSocket: true), Endpoint, isLocal: false, settings, scheduler, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
