using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>
/// Code that another source generator makes does not exist in the compilation the generator reads, and the node does
/// not run that generator either: a job that uses it is reported at the call site (PSH0010 for a missing symbol,
/// PSH0006 for a partial member the other generator implements), never left to fail on the node.
/// </summary>
public sealed class OtherGeneratorsDiagnosticsTests
{
    private const string JsonContext = """
        using System.Text.Json;
        using System.Text.Json.Serialization;
        using ParallelSharp;
        namespace MyApp;

        public sealed record Person(string Name, int Age);

        // System.Text.Json's generator adds Default, Person and the overrides; the harness, like ours, never runs it.
        [JsonSerializable(typeof(Person))]
        internal sealed partial class PeopleContext : JsonSerializerContext
        {
        }

        """;

    /// <summary>The class that submits: <paramref name="call"/> is the Submit call.</summary>
    private static string Caller(string call) => $$"""

        public static class Program
        {
            public static object Run(JobServer server) => {{call}};
        }
        """;

    [Fact]
    public void Helper_UsingJsonSerializerContextFromAnotherGenerator_ReportsPsh0010()
    {
        var source = JsonContext + """
            public static class People
            {
                public static string Save(Person person) => JsonSerializer.Serialize(person, PeopleContext.Default.Person);
            }
            """ + Caller("server.Submit(People.Save, new Person(\"Ada\", 36))");
        var diagnostic = GeneratorDiagnosticsTests.Single(source, "PSH0010", "People.Save");
        Assert.Contains("'PeopleContext.Default'", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("CS0117", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("another source generator", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void StaticLambda_UsingTypeNoSourceDeclares_ReportsPsh0010()
    {
        var source = """
            using ParallelSharp;
            namespace MyApp;
            """ + Caller("server.Submit(static (string key) => GeneratedTables.Lookup(key), \"a\")");
        var diagnostic = GeneratorDiagnosticsTests.Single(source, "PSH0010", "static (string key)");
        Assert.Contains("'GeneratedTables'", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Helper_ReturningTypeNoSourceDeclares_ReportsPsh0010()
    {
        var source = """
            using ParallelSharp;
            namespace MyApp;

            public static class Reports
            {
                public static int Count(string text) => Summarize(text).Length;
                private static GeneratedSummary Summarize(string text) => new(text);
            }
            """ + Caller("server.Submit(Reports.Count, \"a\")");
        var diagnostic = GeneratorDiagnosticsTests.Single(source, "PSH0010", "Reports.Count");
        Assert.Contains("GeneratedSummary", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Helper_UsingJsonSerializerOptionsInsteadOfContext_ReportsNothing()
    {
        var source = JsonContext + """
            public static class People
            {
                public static string Save(Person person) => JsonSerializer.Serialize(person, new JsonSerializerOptions { WriteIndented = false });
            }
            """ + Caller("server.Submit(People.Save, new Person(\"Ada\", 36))");
        var result = GeneratorHarness.Run(("/src/Program.cs", source));
        Assert.Empty(result.Diagnostics);
        Assert.Contains("s_byMethod = { 0 }", result.Generated, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("private static partial Regex Word();", "Word()")]
    [InlineData("private static partial Regex Word { get; }", "Word")] // a partial property (C# 13)
    public void Helper_GeneratedRegexPartialMember_ReportsPsh0006(string declaration, string use)
    {
        var source = $$"""
            using System.Text.RegularExpressions;
            using ParallelSharp;
            namespace MyApp;

            public static partial class Words
            {
                [GeneratedRegex(@"\w+")]
                {{declaration}}

                public static int Count(string text) => {{use}}.Count(text);
            }
            """ + Caller("server.Submit(Words.Count, \"a b\")");
        var diagnostic = GeneratorDiagnosticsTests.Single(source, "PSH0006", "Words.Count");
        Assert.Contains("'Words.Word", diagnostic.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("another source generator", diagnostic.GetMessage(), StringComparison.Ordinal);
    }
}
