using System.Reflection;
using ParallelSharp.Generator.Tests.Infrastructure;

namespace ParallelSharp.Generator.Tests;

/// <summary>
/// A project that references the JobServer project builds with the real SDK: the generator (built on Roslyn 4.14)
/// loads in the SDK's compiler with no CS8032/CS9057, its interceptors compile, and the program runs jobs.
/// </summary>
public sealed class EndToEndBuildTests : IDisposable
{
    private const string Configuration =
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "psh-generator-e2e", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
            Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Build_ConsumingProject_LoadsGeneratorWithoutWarningsAndRunsJobs()
    {
        var (buildExit, buildOutput) = await BuildConsumerAsync(
            library: """
                namespace Consumer;

                public static class Primes
                {
                    public static bool IsPrime(int n)
                    {
                        for (var d = 2; d * d <= n; d++)
                        {
                            if (n % d == 0)
                                return false;
                        }

                        return n >= 2;
                    }

                    public static long SumPrimes(int n) => Enumerable.Range(2, Math.Max(0, n - 2)).Where(IsPrime).Sum(i => (long)i);
                }

                public static class Geometry
                {
                    public static int Area(int x, int y) => x * y;
                }

                public static class Documents
                {
                    public static int Count(string json) => Newtonsoft.Json.Linq.JObject.Parse(json).Count;

                    public static async Task<int> CountAsync(string json)
                    {
                        await Task.Yield();
                        return Count(json);
                    }
                }
                """,
            program: """
                using Consumer;
                using ParallelSharp;

                await using var server = new JobServer(new JobServerOptions { LocalWorkers = 1, CacheDirectory = args[0] });
                var limit = TimeSpan.FromSeconds(60);
                var sum = await server.Submit(Primes.SumPrimes, 1000).Task.WaitAsync(limit);
                var area = await server.Submit(static (int x, int y) => Geometry.Area(x, y), 3, 4).Task.WaitAsync(limit);
                var count = await server.Submit(Documents.Count, "{\"a\":1,\"b\":2}").Task.WaitAsync(limit);
                var sums = await server.Map(Primes.SumPrimes, new[] { 10, 100 }).WaitAsync(limit);
                int counted = await server.Submit(Documents.CountAsync, "{\"a\":1}").Task.WaitAsync(limit);
                Console.WriteLine($"sum={sum} area={area} count={count} map={string.Join(",", sums)} async={counted}");
                """);

        Assert.True(buildExit == 0, $"The consuming project did not build:\n{buildOutput}");
        Assert.DoesNotContain("CS8032", buildOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("CS9057", buildOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(": warning ", buildOutput, StringComparison.Ordinal);
        Assert.Contains("0 Warning(s)", buildOutput, StringComparison.Ordinal);

        var program = Path.Combine(_directory, "bin", Configuration, "net10.0", "Consumer.dll");
        var (runExit, runOutput) = await Dotnet.RunAsync(_directory, TestTimeouts.Build, program, Path.Combine(_directory, "cache"));

        Assert.True(runExit == 0, $"The consuming program failed:\n{runOutput}");
        Assert.Contains("sum=76127 area=12 count=2 map=17,1060 async=1", runOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Build_JobUsingCodeOfOtherGenerators_FailsAtCallSiteWithPsh0010AndPsh0006()
    {
        var (buildExit, buildOutput) = await BuildConsumerAsync(
            library: """
                using System.Text.Json;
                using System.Text.Json.Serialization;
                using System.Text.RegularExpressions;

                namespace Consumer;

                public sealed record Person(string Name, int Age);

                [JsonSerializable(typeof(Person))]
                internal sealed partial class PeopleContext : JsonSerializerContext
                {
                }

                public static partial class People
                {
                    public static string Save(Person person) => JsonSerializer.Serialize(person, PeopleContext.Default.Person);

                    public static int Words(string text) => Word().Count(text);

                    [GeneratedRegex(@"\w+")]
                    private static partial Regex Word();
                }
                """,
            program: """
                using Consumer;
                using ParallelSharp;

                // Outside a job, the other generators' code is there: only the two submissions are reported.
                Console.WriteLine(People.Save(new Person("Ada", 36)) + People.Words("a b"));
                await using var server = new JobServer(new JobServerOptions { LocalWorkers = 1 });
                var saved = server.Submit(People.Save, new Person("Ada", 36));
                var words = server.Submit(People.Words, "a b");
                """);

        Assert.True(buildExit != 0, $"The consuming project built although its jobs use code the node cannot compile:\n{buildOutput}");
        Assert.Matches(@"Program\.cs\(7,\d+\): error PSH0010: [^\n]*'PeopleContext\.Default'", buildOutput);
        Assert.Matches(@"Program\.cs\(8,\d+\): error PSH0006: [^\n]*Word\(\)", buildOutput);
        // The SDK ran System.Text.Json's and the regex generator: the user's own code has no compiler error.
        Assert.DoesNotContain("error CS", buildOutput, StringComparison.Ordinal);
    }

    /// <summary>Writes a consuming project with the given sources into the test's directory and builds it with the SDK.</summary>
    private async Task<(int ExitCode, string Output)> BuildConsumerAsync(string library, string program)
    {
        var repository = FindRepository();
        Directory.CreateDirectory(_directory);
        var jobServer = Path.Combine(repository, "src", "JobServer", "ParallelSharp.JobServer.csproj");
        var fromSource = Path.Combine(repository, "src", "JobServer", "build", "ParallelSharp.JobServer.FromSource.props");
        await File.WriteAllTextAsync(Path.Combine(_directory, "Consumer.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <Import Project="{fromSource}" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
                <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
                <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{jobServer}" />
                <PackageReference Include="Newtonsoft.Json" Version="13.0.3" />
              </ItemGroup>
            </Project>
            """);
        await File.WriteAllTextAsync(Path.Combine(_directory, "Library.cs"), library);
        await File.WriteAllTextAsync(Path.Combine(_directory, "Program.cs"), program);
        return await Dotnet.RunAsync(_directory, TestTimeouts.Build,
            "build", "Consumer.csproj", "-c", Configuration, "-p:BuildProjectReferences=false", "-p:UseSharedCompilation=false", "-nodeReuse:false");
    }

    private static string FindRepository()
    {
        for (var directory = Path.GetDirectoryName(Assembly.GetExecutingAssembly().Location); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "ParallelSharp.sln")))
                return directory;
        }

        throw new InvalidOperationException("The tests do not run from inside the ParallelSharp repository: ParallelSharp.sln was not found above the test assembly.");
    }
}
