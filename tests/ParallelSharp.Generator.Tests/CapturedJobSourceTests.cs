using System.Reflection;
using System.Reflection.Emit;
using ParallelSharp.Submission;

namespace ParallelSharp.Generator.Tests;

/// <summary>The run-time half of a captured package: which assemblies travel with it.</summary>
public sealed class CapturedJobSourceTests
{
    private static readonly SourceDocument[] s_documents = [new("Job.cs", "namespace A; public static class B { public static int C(int x) => x; }")];

    [Fact]
    public void Create_FrameworkAndThirdPartyAssemblies_ShipsOnlyTheThirdParty()
    {
        var source = CapturedJobSource.Create("A.B", "C", s_documents, [],
            [typeof(object).Assembly, typeof(Enumerable).Assembly, typeof(Newtonsoft.Json.JsonConvert).Assembly]);

        var file = Assert.Single(source.AssemblyFiles.Values);
        Assert.Equal(typeof(Newtonsoft.Json.JsonConvert).Assembly.Location, file);
        Assert.Equal("Newtonsoft.Json", Assert.Single(source.Package.References).Name);
        Assert.Equal("A.B", source.Package.EntryType);
    }

    [Fact]
    public void Create_ParallelSharpAssemblies_AreNeverShipped()
    {
        var source = CapturedJobSource.Create("A.B", "C", s_documents, [], [typeof(JobServer).Assembly]);

        Assert.Empty(source.AssemblyFiles);
    }

    [Fact]
    public void Create_AssemblyLoadedWithoutFile_ThrowsInvalidOperationNamingIt()
    {
        var dynamic = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("InMemoryOnly"), AssemblyBuilderAccess.Run);

        var error = Assert.Throws<InvalidOperationException>(() => CapturedJobSource.Create("A.B", "C", s_documents, [], [dynamic]));
        Assert.Contains("InMemoryOnly", error.Message, StringComparison.Ordinal);
        Assert.Contains("A.B.C", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_SameCapturedCode_HasTheSameKeyAsAnEquivalentJobSource()
    {
        var captured = CapturedJobSource.Create("A.B", "C", s_documents, [], []);
        var handWritten = JobSource.FromDocuments(s_documents, "A.B", "C");

        Assert.Equal(handWritten.Package.Key, captured.Package.Key);
    }
}
