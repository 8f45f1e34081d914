namespace ParallelSharp.Generator.Tests.Corpus.Algorithms;

public enum Direction
{
    North,
    East,
    South,
    West,
}

public static class DirectionExtensions
{
    public static (int Dx, int Dy) Offset(this Direction direction) => direction switch
    {
        Direction.North => (0, -1),
        Direction.East => (1, 0),
        Direction.South => (0, 1),
        _ => (-1, 0),
    };
}

/// <summary>Graph searches with nested types, an enum, a priority queue and tuples.</summary>
public static class Graphs
{
    public static int ShortestPath(string[] grid)
    {
        var start = Find(grid, 'S');
        var goal = Find(grid, 'G');
        var queue = new Queue<(int X, int Y, int Steps)>();
        var seen = new HashSet<(int, int)> { start };
        queue.Enqueue((start.X, start.Y, 0));
        while (queue.Count > 0)
        {
            var (x, y, steps) = queue.Dequeue();
            if ((x, y) == goal)
                return steps;
            foreach (var direction in Enum.GetValues<Direction>())
            {
                var (dx, dy) = direction.Offset();
                var next = (x + dx, y + dy);
                if (next.Item2 < 0 || next.Item2 >= grid.Length || next.Item1 < 0 || next.Item1 >= grid[0].Length)
                    continue;
                if (grid[next.Item2][next.Item1] != '#' && seen.Add(next))
                    queue.Enqueue((next.Item1, next.Item2, steps + 1));
            }
        }

        return -1;
    }

    private static (int X, int Y) Find(string[] grid, char target)
    {
        for (var y = 0; y < grid.Length; y++)
        {
            var x = grid[y].IndexOf(target, StringComparison.Ordinal);
            if (x >= 0)
                return (x, y);
        }

        throw new ArgumentException($"No '{target}' in the grid.", nameof(grid));
    }

    public static class Weighted
    {
        public sealed record Edge(int From, int To, int Cost);

        public static int[] Dijkstra(int nodes, Edge[] edges, int source)
        {
            var distances = Enumerable.Repeat(int.MaxValue, nodes).ToArray();
            var adjacency = edges.ToLookup(e => e.From);
            var queue = new PriorityQueue<int, int>();
            distances[source] = 0;
            queue.Enqueue(source, 0);
            while (queue.TryDequeue(out var node, out var distance))
            {
                if (distance > distances[node])
                    continue;
                foreach (var edge in adjacency[node])
                {
                    var candidate = distance + edge.Cost;
                    if (candidate < distances[edge.To])
                    {
                        distances[edge.To] = candidate;
                        queue.Enqueue(edge.To, candidate);
                    }
                }
            }

            return distances;
        }

        public static int[] RingDistances(int size) =>
            Dijkstra(size, Enumerable.Range(0, size).SelectMany(i => new[] { new Edge(i, (i + 1) % size, 1), new Edge(i, (i + 2) % size, 3) }).ToArray(), 0);
    }
}
