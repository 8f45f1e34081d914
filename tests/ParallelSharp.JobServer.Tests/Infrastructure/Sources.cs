namespace ParallelSharp.JobServerTests.Infrastructure;

/// <summary>Job sources for the tests. Fake nodes never compile them: only their packages travel.</summary>
internal static class Sources
{
    public static readonly JobSource Echo = JobSource.FromCode(
        "namespace Jobs; public static class Echo { public static int Run(int x) => x; }", "Jobs.Echo.Run");

    public static readonly JobSource Square = JobSource.FromCode(
        "namespace Jobs; public static class Square { public static int Run(int x) => x * x; }", "Jobs.Square.Run");
}
