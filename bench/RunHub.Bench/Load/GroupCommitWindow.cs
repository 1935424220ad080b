using System.Globalization;

namespace RunHub.Bench.Load;

/// <summary>
/// The server's SQLite group-commit writer over a measurement window, read from its <c>/metrics</c>
/// (<c>runhub_store_group_commit_*</c>, docs/observability.md) at the window's start and end: how busy the single writer
/// was, how many operations each shared transaction carried, and where its time went. A submit row whose writer is
/// busy near 100% waits on it, whatever the cores do.
/// </summary>
/// <param name="StatementsSeconds">The writer's time from a transaction's start to its commit call, summed.</param>
/// <param name="CommitSeconds">The writer's time in the commit calls (write-ahead log frames, fsync, checkpoints), summed.</param>
/// <param name="Transactions">Shared transactions committed.</param>
/// <param name="Operations">Operations (submits) they carried.</param>
internal sealed record GroupCommitReading(double StatementsSeconds, double CommitSeconds, double Transactions, double Operations)
{
    private const string Duration = "runhub_store_group_commit_duration_seconds_sum";
    private const string OperationsSum = "runhub_store_group_commit_operations_sum";
    private const string OperationsCount = "runhub_store_group_commit_operations_count";

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Reads <paramref name="metrics"/> now; null when the server records no group commit (PostgreSQL) or cannot be read.</summary>
    public static async Task<GroupCommitReading?> ReadAsync(Uri metrics)
    {
        string text;
        try
        {
            text = await Http.GetStringAsync(metrics);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
        return Parse(text);
    }

    /// <summary>The reading in a Prometheus text exposition, or null when it has no group-commit samples.</summary>
    public static GroupCommitReading? Parse(string exposition)
    {
        double? statements = null, commit = null, operations = null, transactions = null;
        foreach (var line in exposition.Split('\n'))
        {
            if (line.StartsWith(Duration, StringComparison.Ordinal))
            {
                if (line.Contains("runhub_phase=\"statements\"", StringComparison.Ordinal)) statements = Value(line);
                else if (line.Contains("runhub_phase=\"commit\"", StringComparison.Ordinal)) commit = Value(line);
            }
            else if (line.StartsWith(OperationsSum, StringComparison.Ordinal)) operations = Value(line);
            else if (line.StartsWith(OperationsCount, StringComparison.Ordinal)) transactions = Value(line);
        }
        return statements is { } s && commit is { } c && operations is { } o && transactions is { } t ? new GroupCommitReading(s, c, t, o) : null;
    }

    /// <summary>
    /// What the writer did between <paramref name="start"/> and <paramref name="end"/>, <paramref name="wallSeconds"/> apart:
    /// <c>writerBusyPercent</c>, <c>operationsPerCommit</c>, <c>commitMsPerTransaction</c> and <c>writerMsPerOperation</c>
    /// (statements and commit together); empty when nothing was committed.
    /// </summary>
    public static Dictionary<string, double> Details(GroupCommitReading start, GroupCommitReading end, double wallSeconds)
    {
        var transactions = end.Transactions - start.Transactions;
        var operations = end.Operations - start.Operations;
        if (transactions <= 0 || operations <= 0 || wallSeconds <= 0) return [];
        var statements = end.StatementsSeconds - start.StatementsSeconds;
        var commit = end.CommitSeconds - start.CommitSeconds;
        return new Dictionary<string, double>
        {
            ["writerBusyPercent"] = (statements + commit) / wallSeconds * 100,
            ["operationsPerCommit"] = operations / transactions,
            ["commitMsPerTransaction"] = commit * 1000 / transactions,
            ["writerMsPerOperation"] = (statements + commit) * 1000 / operations,
        };
    }

    private static double Value(string line) => double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
}

internal static class GroupCommitWindow
{
    /// <summary>Reads the writer at <paramref name="warmup"/> and again <paramref name="duration"/> later (the window
    /// <see cref="CpuWindow"/> measures); the details of <see cref="GroupCommitReading.Details"/>, or none.</summary>
    public static async Task<Dictionary<string, double>> MeasureAsync(Uri metrics, TimeSpan warmup, TimeSpan duration)
    {
        await Task.Delay(warmup);
        var wall = System.Diagnostics.Stopwatch.StartNew();
        var start = await GroupCommitReading.ReadAsync(metrics);
        await Task.Delay(duration);
        var end = await GroupCommitReading.ReadAsync(metrics);
        return start is null || end is null ? [] : GroupCommitReading.Details(start, end, wall.Elapsed.TotalSeconds);
    }
}
