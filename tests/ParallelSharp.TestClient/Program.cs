// Starts a job server with two local workers, prints "workers <pid> <pid>", starts a job that never ends,
// and waits to be killed.
using ParallelSharp;

var server = new JobServer(new JobServerOptions { LocalWorkers = 2 });
await server.WaitUntilReadyAsync();
var hang = JobSource.FromLambda("(int ms) => { System.Threading.Thread.Sleep(ms); return ms; }");
_ = server.Submit<int>(hang, int.MaxValue);
Console.WriteLine("workers " + string.Join(' ', server.LocalWorkerProcessIds));
Console.Out.Flush();
await Task.Delay(Timeout.Infinite);
