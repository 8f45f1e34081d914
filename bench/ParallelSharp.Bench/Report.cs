using System.Globalization;
using System.Text.Json.Nodes;

namespace ParallelSharp.Bench;

/// <summary>Output: one JSON line per scenario on standard output, and '# ' lines for people.</summary>
internal static class Report
{
    public const string Impl = "parallelsharp";

    /// <summary>Appended to every scenario name (a build variant, such as <c>_r2r</c> for ReadyToRun).</summary>
    public static string ScenarioSuffix { get; set; } = string.Empty;

    /// <summary>Starts a result line; fields keep the order they are added in.</summary>
    public static JsonObject Line(string scenario, string unit) => new()
    {
        ["impl"] = Impl,
        ["scenario"] = scenario + ScenarioSuffix,
        ["unit"] = unit,
    };

    public static void Emit(JsonObject line)
    {
        // The machine is shared: say how busy it was, so that a figure can be read against its conditions.
        line["loadavg_1m"] = LoadAverage();
        Console.Out.WriteLine(line.ToJsonString());
        Console.Out.Flush();
    }

    public static void Human(string text)
    {
        Console.Out.WriteLine("# " + text);
        Console.Out.Flush();
    }

    /// <summary>The one-minute load average (Linux), or NaN.</summary>
    public static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.AsSpan(0, text.IndexOf(' ')), CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    public static JsonArray Array(IEnumerable<double> values, int decimals = 1) =>
        new([.. values.Select(v => (JsonNode?)JsonValue.Create(Math.Round(v, decimals)))]);

    public static double Round(double value, int decimals = 1) => Math.Round(value, decimals);

    public static string F(double value, string format = "0.0") => value.ToString(format, CultureInfo.InvariantCulture);
}
