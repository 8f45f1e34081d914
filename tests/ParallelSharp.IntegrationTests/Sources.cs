namespace ParallelSharp.IntegrationTests;

/// <summary>Job sources shared by the integration tests.</summary>
internal static class Sources
{
    public static readonly JobSource AddOne = JobSource.FromCode(
        "public static class Ops { public static int AddOne(int x) => x + 1; }", "Ops.AddOne");

    public static readonly JobSource Behaviours = JobSource.FromCode("""
        using System;
        using System.Threading;

        namespace Tests;

        public record Point(int X, int Y);

        public static class Behaviours
        {
            public static int Throw(int x) => throw new InvalidOperationException($"boom {x}");

            public static int FailFast(int x)
            {
                Environment.FailFast("the job crashed its worker on purpose");
                return x;
            }

            public static int Exit(int x)
            {
                Environment.Exit(3);
                return x;
            }

            public static int Overflow(int x) => Overflow(x + 1) + 1;

            public static int Hang(int x)
            {
                Thread.Sleep(Timeout.Infinite);
                return x;
            }

            public static int Sleep(int milliseconds)
            {
                Thread.Sleep(milliseconds);
                return milliseconds;
            }

            public static Point Move(Point p, int dx) => p with { X = p.X + dx };

            public static int Pid(int x) => Environment.ProcessId;
        }
        """, "Tests.Behaviours.Throw");

    public static JobSource Behaviour(string method) =>
        JobSource.FromDocuments(Behaviours.Package.Sources, "Tests.Behaviours", method);
}
