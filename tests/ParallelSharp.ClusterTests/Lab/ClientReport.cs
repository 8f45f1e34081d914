using System.Text.Json;

namespace ParallelSharp.ClusterTests.Lab;

/// <summary>What a finished lab client printed, read back from its JSON events.</summary>
internal sealed class ClientReport(LabProcess process, int exitCode)
{
    public int ExitCode { get; } = exitCode;

    public IReadOnlyList<JsonElement> Events { get; } = process.Events;

    /// <summary>The client's output, for failure messages.</summary>
    public string Transcript => process.Tail(120);

    public JsonElement Summary => Single("summary");

    public long SummaryValue(string name) => Summary.GetProperty(name).GetInt64();

    /// <summary>The "round-end" event of <paramref name="round"/>.</summary>
    public JsonElement RoundEnd(int round) => Single("round-end", e => e.GetProperty("round").GetInt32() == round);

    /// <summary>Jobs of <paramref name="round"/> whose results came from each node (as the client's callbacks saw them).</summary>
    public IReadOnlyDictionary<string, int> ByNode(int round) =>
        RoundEnd(round).GetProperty("by_node").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt32(), StringComparer.Ordinal);

    /// <summary>The server's per-node statistics at the end of the run, by node id.</summary>
    public IReadOnlyDictionary<string, JsonElement> NodeStatistics =>
        Single("statistics").GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetString()!, StringComparer.Ordinal);

    public IEnumerable<JsonElement> All(string name) => Events.Where(e => LabProcess.Is(e, name));

    /// <summary>Job server log events with this id (1100 joined, 1101 lost, 1102 connect failed, 1112 discovered node ignored, ...).</summary>
    public IEnumerable<JsonElement> Logs(int id) => All("log").Where(e => e.GetProperty("id").GetInt32() == id);

    public static string Field(JsonElement log, string name) =>
        log.GetProperty("fields").TryGetProperty(name, out var value) ? value.ToString() : string.Empty;

    private JsonElement Single(string name, Func<JsonElement, bool>? match = null)
    {
        var found = All(name).Where(match ?? (_ => true)).ToList();
        Assert.True(found.Count == 1, $"The lab client printed {found.Count} '{name}' event(s) where one was expected.\n{Transcript}");
        return found[0];
    }
}
