// Code that only exists at run time: a command-line tool that runs a C# file it is given, with JobSource.
// (For code that is part of your program, write server.Submit(Type.Method, args) instead: see examples/SumPrimes.)
//
//   dotnet run --project examples/RuntimeSource -- [file.cs] [Type.Method] [argument...]
using ParallelSharp;

var file = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "Fibonacci.cs.txt");
var entryPoint = args.Length > 1 ? args[1] : "Scripts.Fibonacci.Nth";
var inputs = args.Length > 2 ? args[2..].Select(int.Parse).ToArray() : [10, 20, 30, 40, 50];

await using var server = new JobServer();
var source = JobSource.FromCode(await File.ReadAllTextAsync(file), entryPoint);
var results = await server.Map<int, long>(source, inputs);
for (var i = 0; i < inputs.Length; i++)
    Console.WriteLine($"{entryPoint}({inputs[i]}) = {results[i]}");
