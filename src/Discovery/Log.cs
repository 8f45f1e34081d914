using System.Net;
using Microsoft.Extensions.Logging;

namespace ParallelSharp.Discovery;

/// <summary>Every log event of ParallelSharp.Discovery; ids 3000–3999, fixed once published.</summary>
internal static partial class Log
{
    // Transport 3000-3019
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "mDNS socket open on port {Port}, interfaces: {Interfaces}")]
    public static partial void TransportOpened(ILogger logger, int port, string interfaces);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Could not join 224.0.0.251 on interface {Interface}; skipping it: {Reason}")]
    public static partial void JoinFailed(ILogger logger, string @interface, string reason);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Debug, Message = "Interface {Interface} not used for mDNS: {Reason}")]
    public static partial void InterfaceSkipped(ILogger logger, string @interface, string reason);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Debug, Message = "Dropped a malformed mDNS packet from {Source}: {Reason}")]
    public static partial void MalformedPacket(ILogger logger, IPEndPoint source, string reason);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Trace, Message = "Received {Length} bytes from {Source} on interface {InterfaceIndex}")]
    public static partial void PacketReceived(ILogger logger, int length, IPEndPoint source, int interfaceIndex);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Trace, Message = "Sent {Length} bytes to {Destination} on interface {InterfaceIndex}")]
    public static partial void PacketSent(ILogger logger, int length, IPEndPoint destination, int interfaceIndex);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Could not send an mDNS packet to {Destination} on interface {InterfaceIndex}")]
    public static partial void SendFailed(ILogger logger, Exception exception, IPEndPoint destination, int interfaceIndex);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Error, Message = "The mDNS receive loop failed; no more packets will be received")]
    public static partial void ReceiveLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Warning, Message = "Refused to send unicast to {Destination}: not on the link of interface {Interface}")]
    public static partial void UnicastRefused(ILogger logger, IPEndPoint destination, string @interface);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Debug, Message = "Dropped a packet from {Source} on interface {InterfaceIndex}: {Reason}")]
    public static partial void PacketFiltered(ILogger logger, IPEndPoint source, int interfaceIndex, string reason);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Receiving an mDNS packet failed; continuing")]
    public static partial void ReceiveFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Information, Message = "mDNS interfaces changed: {Changes}")]
    public static partial void InterfacesChanged(ILogger logger, string changes);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Warning, Message = "Re-scanning the network interfaces failed; the next network change or periodic re-scan tries again")]
    public static partial void RescanFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Warning, Message = "Network change events are not available ({Reason}); only the periodic re-scan notices interface changes")]
    public static partial void NetworkEventsUnavailable(ILogger logger, string reason);

    // Advertiser 3100-3199
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "Probing for {Instance} and host {Host}")]
    public static partial void ProbeStarted(ILogger logger, string instance, string host);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Name {OldName} is taken on the link; renamed to {NewName}")]
    public static partial void Renamed(ILogger logger, string oldName, string newName);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Debug, Message = "Lost the simultaneous-probe tie-break for {Name}; probing again in 1 s")]
    public static partial void ProbeTieBreakLost(ILogger logger, string name);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "Announced {Instance} at {Host}:{Port}")]
    public static partial void Announced(ILogger logger, string instance, string host, int port);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Sent goodbye for {Instance}")]
    public static partial void GoodbyeSent(ILogger logger, string instance);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "TXT of {Instance} changed; announcing again")]
    public static partial void TxtUpdated(ILogger logger, string instance);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Warning, Message = "Another responder claims {Name} ({Record}); probing again")]
    public static partial void ConflictWhileRunning(ILogger logger, string name, string record);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "{Count} name conflicts within 10 s; waiting 5 s before the next probe")]
    public static partial void ConflictRateLimited(ILogger logger, int count);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Trace, Message = "Answering {Count} record(s) to {Destination} on interface {InterfaceIndex}")]
    public static partial void Answering(ILogger logger, int count, string destination, int interfaceIndex);

    [LoggerMessage(EventId = 3109, Level = LogLevel.Information, Message = "Probing for {Instance} on new interface(s) {Interfaces}")]
    public static partial void ProbingNewInterfaces(ILogger logger, string instance, string interfaces);

    [LoggerMessage(EventId = 3110, Level = LogLevel.Information, Message = "Addresses of {Interface} changed; goodbye for [{Gone}], announcing {Host} again")]
    public static partial void AddressesChanged(ILogger logger, string @interface, string gone, string host);

    // Browser 3200-3299
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Found service {Service}")]
    public static partial void ServiceFound(ILogger logger, DiscoveredService service);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "Service updated: {Service}")]
    public static partial void ServiceUpdated(ILogger logger, DiscoveredService service);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Information, Message = "Service removed: {Service} (goodbye: {Goodbye})")]
    public static partial void ServiceRemoved(ILogger logger, DiscoveredService service, bool goodbye);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Warning, Message = "The mDNS cache holds {Count} records; ignoring new ones until some expire")]
    public static partial void CacheFull(ILogger logger, int count);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Error, Message = "A ServiceChanged handler threw; the browser goes on")]
    public static partial void HandlerFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Debug, Message = "Network changed; querying for {ServiceType} again, starting from a 1 s interval")]
    public static partial void QueriesRestarted(ILogger logger, string serviceType);

    [LoggerMessage(EventId = 3206, Level = LogLevel.Information, Message = "Flushed {Name} {Type}: {Count} queries for it went unanswered (RFC 6762 §10.5)")]
    public static partial void RecordFlushedUnanswered(ILogger logger, string name, string type, int count);

    // Shared 3900-3999
    [LoggerMessage(EventId = 3900, Level = LogLevel.Error, Message = "An mDNS timer action failed; {Component} goes on")]
    public static partial void TimerActionFailed(ILogger logger, Exception exception, string component);

    [LoggerMessage(EventId = 3901, Level = LogLevel.Error, Message = "Handling an mDNS packet from {Source} failed")]
    public static partial void PacketHandlingFailed(ILogger logger, Exception exception, IPEndPoint source);
}
