using ParallelSharp.JobServerTests.Infrastructure;
using ParallelSharp.Protocol.Messages;

namespace ParallelSharp.JobServerTests.Nodes;

public sealed class PackageDefinitionTests
{
    [Fact]
    public async Task SendJob_PerConnection_DefinesEachPackageOnceBeforeItsFirstJob()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 8);
        var node = await harness.ConnectAsync("a", workers: 1);

        var echoJobs = harness.SubmitMany<int>(2, Sources.Echo);
        var squareJob = harness.Submit<int>(Sources.Square);
        var echoAgain = harness.Submit<int>(Sources.Echo);

        var frames = await node.SettleAsync("the four jobs and their package definitions");
        var echoDefinition = Assert.IsType<DefinePackageFrame>(frames[0]);
        Assert.Equal(Sources.Echo.Package.Key, echoDefinition.Package.Key);
        var first = Assert.IsType<RunJobFrame>(frames[1]);
        var second = Assert.IsType<RunJobFrame>(frames[2]);
        Assert.Equal([echoJobs[0].Id, echoJobs[1].Id], new[] { first.JobId, second.JobId });
        Assert.All(new[] { first, second }, j => Assert.Equal(echoDefinition.Handle, j.PackageHandle));
        var squareDefinition = Assert.IsType<DefinePackageFrame>(frames[3]);
        Assert.Equal(Sources.Square.Package.Key, squareDefinition.Package.Key);
        Assert.NotEqual(echoDefinition.Handle, squareDefinition.Handle);
        var third = Assert.IsType<RunJobFrame>(frames[4]);
        Assert.Equal((squareJob.Id, squareDefinition.Handle), (third.JobId, third.PackageHandle));
        var fourth = Assert.IsType<RunJobFrame>(frames[5]);
        Assert.Equal((echoAgain.Id, echoDefinition.Handle), (fourth.JobId, fourth.PackageHandle));
        Assert.Equal(6, frames.Count);

        var later = harness.Submit<int>(Sources.Square);
        var laterFrames = await node.SettleAsync("a job of an already defined package");
        var laterJob = Assert.IsType<RunJobFrame>(Assert.Single(laterFrames));
        Assert.Equal((later.Id, squareDefinition.Handle), (laterJob.JobId, laterJob.PackageHandle));
    }

    [Fact]
    public async Task SendJob_OnNewConnection_DefinesPackageAgain()
    {
        await using var harness = new SchedulerHarness(pipelineDepth: 4);
        var before = await harness.ConnectAsync("a", workers: 1);
        var job = harness.Submit<int>(Sources.Echo);
        Assert.IsType<DefinePackageFrame>(await before.ReceiveAsync("the definition on the first connection"));
        Assert.Equal(job.Id, (await before.ReceiveAsync<RunJobFrame>("the job on the first connection")).JobId);
        await before.SendSucceededAsync(job.Id, 1);
        await job.ResultAsync("the first connection's result");
        await before.CloseAsync();
        await harness.Events.LostAsync(before.Connection).Within("the server noticing the first connection closed");

        var after = await harness.ConnectAsync("a", workers: 1);
        var again = harness.Submit<int>(Sources.Echo);

        var definition = await after.ReceiveAsync<DefinePackageFrame>("the definition again on the new connection");
        Assert.Equal(Sources.Echo.Package.Key, definition.Package.Key);
        var run = await after.ReceiveAsync<RunJobFrame>("the job on the new connection");
        Assert.Equal((again.Id, definition.Handle), (run.JobId, run.PackageHandle));
    }

    [Fact]
    public async Task NeedAssemblies_ForAReferencedAssembly_UploadsExactlyItsBytes()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);
        var library = typeof(FakeNode).Assembly.Location;
        var source = JobSource.FromCode(
            "namespace Jobs; public static class UsesLibrary { public static int Run(int x) => x; }", "Jobs.UsesLibrary.Run", assemblyPaths: [library]);
        var reference = Assert.Single(source.Package.References);
        harness.Submit<int>(source);
        var definition = await node.ReceiveAsync<DefinePackageFrame>("the package definition");
        Assert.Equal(reference, Assert.Single(definition.Package.References));
        await node.ReceiveAsync<RunJobFrame>("the job");

        await node.SendAsync(w => AssemblyMessages.WriteNeed(w, definition.Handle, [reference.Sha256]));

        var upload = await node.ReceiveAsync<UploadAssemblyFrame>("the assembly upload");
        Assert.Equal((reference.Name, reference.Sha256), (upload.Reference.Name, upload.Reference.Sha256));
        Assert.Equal(await File.ReadAllBytesAsync(library), upload.Content);
        await node.AssertQuietAsync("one upload for one missing assembly");
    }

    [Fact]
    public async Task NeedAssemblies_ForAnUndefinedHandle_DeclaresConnectionLost()
    {
        await using var harness = new SchedulerHarness();
        var node = await harness.ConnectAsync("a", workers: 1);

        await node.SendAsync(w => AssemblyMessages.WriteNeed(w, 99, ["00"]));

        var (kind, reason) = await harness.Events.LostAsync(node.Connection).Within("the loss after a request for an undefined package");
        Assert.Equal(NodeFailureKind.ConnectionLost, kind);
        Assert.Contains("99", reason, StringComparison.Ordinal);
    }
}
