namespace ParallelSharp.IntegrationTests;

[Collection(ProcessHeavyCollection.Name)]
public sealed class LocalEngineTests(LocalServerFixture fixture) : IClassFixture<LocalServerFixture>
{
    private JobServer Server => fixture.Server;

    [Fact]
    public async Task Submit_TenThousandTrivialJobs_EveryResultCorrect()
    {
        var jobs = Enumerable.Range(0, 10_000).Select(i => Server.Submit<int>(Sources.AddOne, i)).ToList();
        var results = await Task.WhenAll(jobs.Select(j => j.Task)).WaitAsync(TestTimeouts.Many);
        for (var i = 0; i < results.Length; i++)
            Assert.Equal(i + 1, results[i]);
        Assert.All(jobs, j => Assert.Equal(JobStatus.Succeeded, j.Status));
    }

    [Fact]
    public async Task Map_TenThousandInputs_ResultsInInputOrder()
    {
        var inputs = Enumerable.Range(0, 10_000).ToArray();
        var results = await Server.Map<int, int>(Sources.AddOne, inputs).WaitAsync(TestTimeouts.Many);
        Assert.Equal(inputs.Select(i => i + 1), results);
    }

    [Fact]
    public async Task MapUnordered_EveryIndexOnceWithItsResult()
    {
        var seen = new Dictionary<int, int>();
        await foreach (var (index, result) in Server.MapUnordered<int, int>(Sources.AddOne, Enumerable.Range(0, 500), new MapOptions { ChunkSize = 7 }))
            seen.Add(index, result);
        Assert.Equal(500, seen.Count);
        Assert.All(seen, pair => Assert.Equal(pair.Key + 1, pair.Value));
    }

    [Fact]
    public async Task AsCompleted_YieldsEveryJobOnce()
    {
        var jobs = Enumerable.Range(0, 50).Select(i => Server.Submit<int>(Sources.AddOne, i)).ToList();
        var ids = new HashSet<long>();
        using var cts = new CancellationTokenSource(TestTimeouts.Job);
        await foreach (var job in Server.AsCompleted(jobs, cts.Token))
        {
            Assert.True(job.Task.IsCompletedSuccessfully);
            Assert.True(ids.Add(job.Id));
        }

        Assert.Equal(50, ids.Count);
    }

    [Fact]
    public async Task Submit_RecordArgument_ComesBackAsRecordOfSameShape()
    {
        var moved = await Server.Submit<PointDto>(Sources.Behaviour("Move"), new PointDto(1, 2), 10).Task.WaitAsync(TestTimeouts.Job);
        Assert.Equal(new PointDto(11, 2), moved);
    }

    [Fact]
    public async Task Submit_Lambda_RunsLikeAnyOtherSource()
    {
        var square = JobSource.FromLambda("(int x) => (long)x * x");
        Assert.Equal(81L, await Server.Submit<long>(square, 9).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Submit_JobThrows_FailsWithRemoteTypeMessageAndStackTrace()
    {
        var failing = Server.Submit<int>(Sources.Behaviour("Throw"), 7);
        var healthy = Enumerable.Range(0, 20).Select(i => Server.Submit<int>(Sources.AddOne, i)).ToList();

        var error = await Assert.ThrowsAsync<JobFailedException>(() => failing.Task.WaitAsync(TestTimeouts.Job));
        Assert.Equal("System.InvalidOperationException", error.RemoteType);
        Assert.Equal("boom 7", error.RemoteMessage);
        Assert.Contains("Behaviours.Throw", error.RemoteStackTrace, StringComparison.Ordinal);
        Assert.Equal("local", error.NodeId);
        Assert.Equal(JobStatus.Failed, failing.Status);
        Assert.Equal(Enumerable.Range(1, 20), await Task.WhenAll(healthy.Select(j => j.Task)).WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Submit_SourceDoesNotCompile_FailsWithDiagnosticsInSubmittedSource()
    {
        var broken = JobSource.FromCode("public static class Bad\n{\n    public static int F(int x) => x + missing;\n}", "Bad.F");
        var error = await Assert.ThrowsAsync<JobCompilationException>(() => Server.Submit<int>(broken, 1).Task.WaitAsync(TestTimeouts.Job));
        var first = Assert.Single(error.Diagnostics);
        Assert.Equal("CS0103", first.Id);
        Assert.Equal(3, first.Line);
        Assert.Contains("missing", first.Message, StringComparison.Ordinal);
        Assert.Equal(1, await Server.Submit<int>(Sources.AddOne, 0).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Submit_EntryMethodMissing_FailsNamingWhatExists()
    {
        var source = JobSource.FromCode("public static class Ops { public static int AddOne(int x) => x + 1; }", "Ops.AddTwo");
        var error = await Assert.ThrowsAsync<JobCompilationException>(() => Server.Submit<int>(source, 1).Task.WaitAsync(TestTimeouts.Job));
        Assert.Contains("AddTwo", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddOne", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_WrongArgumentCount_FailsWithArgumentException()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Server.Submit<int>(Sources.AddOne, 1, 2).Task.WaitAsync(TestTimeouts.Job));
        Assert.Contains("takes 1 argument", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_WrongResultType_FailsNamingTheType()
    {
        var error = await Assert.ThrowsAsync<JobFailedException>(() => Server.Submit<string[]>(Sources.AddOne, 1).Task.WaitAsync(TestTimeouts.Job));
        Assert.Contains("System.String[]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Submit_ArgumentCannotBeSerialized_RefusedAtSubmitNamingIt()
    {
        Func<int> notData = () => 1;
        var error = Assert.Throws<ArgumentException>(() => Server.Submit<int>(Sources.AddOne, notData));
        Assert.Contains("Argument 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("System.Func", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_JobHangs_TimesOutAndLaterJobsRun()
    {
        var hanging = Server.Submit<int>(Sources.Behaviour("Hang"), [1], new JobOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        var error = await Assert.ThrowsAsync<JobTimeoutException>(() => hanging.Task.WaitAsync(TestTimeouts.Job));
        Assert.Contains("timeout", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(Enumerable.Range(1, 10), await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Server.Submit<int>(Sources.AddOne, i).Task)).WaitAsync(TestTimeouts.Job));
    }

    [Theory]
    [InlineData("FailFast")]
    [InlineData("Exit")]
    [InlineData("Overflow")]
    public async Task Submit_JobCrashesWorker_AbandonedWithWorkerCrashedAttemptsOthersComplete(string behaviour)
    {
        var crashing = Server.Submit<int>(Sources.Behaviour(behaviour), [1], new JobOptions { MaxAttempts = 2 });
        var healthy = Enumerable.Range(0, 200).Select(i => Server.Submit<int>(Sources.AddOne, i)).ToList();

        var error = await Assert.ThrowsAsync<JobAbandonedException>(() => crashing.Task.WaitAsync(TestTimeouts.Job));
        Assert.Equal(2, error.Attempts.Count);
        Assert.All(error.Attempts, a => Assert.Contains("crashed", a.Reason, StringComparison.Ordinal));
        Assert.Equal(Enumerable.Range(1, 200), await Task.WhenAll(healthy.Select(j => j.Task)).WaitAsync(TestTimeouts.Job));
        Assert.Equal(2, Server.LocalWorkers);
    }

    [Fact]
    public async Task Cancel_RunningJob_StopsItAndWorkerIsReplaced()
    {
        using var cts = new CancellationTokenSource();
        var running = Server.Submit<int>(Sources.Behaviour("Hang"), [1], options: null, callback: null, cts.Token);
        // Wait until the job is on a worker: a job submitted after it to the same pool finishes first.
        await Server.Submit<int>(Sources.Behaviour("Sleep"), 50).Task.WaitAsync(TestTimeouts.Job);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.Task.WaitAsync(TestTimeouts.Job));
        Assert.Equal(JobStatus.Cancelled, running.Status);
        Assert.Equal(5, await Server.Submit<int>(Sources.AddOne, 4).Task.WaitAsync(TestTimeouts.Job));
    }

    [Fact]
    public async Task Callbacks_RunOneAtATimeAndGroupWaitReturnsAfterThem()
    {
        var running = 0;
        var overlapped = false;
        var sum = 0L;
        for (var i = 0; i < 100; i++)
        {
            _ = Server.Submit<int>(Sources.AddOne, [i], new JobOptions { Group = "callbacks" }, job =>
            {
                if (Interlocked.Increment(ref running) > 1)
                    overlapped = true;
                sum += job.Result; // not thread-safe on purpose: callbacks are serial
                Thread.SpinWait(1000);
                Interlocked.Decrement(ref running);
            });
        }

        await Server.WaitAsync("callbacks").WaitAsync(TestTimeouts.Job);
        Assert.False(overlapped);
        Assert.Equal(Enumerable.Range(1, 100).Sum(), sum);
    }

    [Fact]
    public async Task Statistics_CountJobsOfLocalNode()
    {
        var before = Server.GetStatistics().Nodes.Single(n => n.NodeId == "local").JobsCompleted;
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Server.Submit<int>(Sources.AddOne, i).Task)).WaitAsync(TestTimeouts.Job);
        var local = Server.GetStatistics().Nodes.Single(n => n.NodeId == "local");
        Assert.True(local.JobsCompleted >= before + 30);
        Assert.True(local.IsConnected);
        Assert.Contains("local", Server.GetStatistics().ToString(), StringComparison.Ordinal);
    }

    public sealed record PointDto(int X, int Y);
}
