using RunHub.Bench.Servers;

namespace RunHub.Bench.Load;

/// <summary>
/// Samples a server's resident size (VmRSS) every 10 ms while a load runs: the figure before, the highest seen,
/// and after (half a second after the load, so memory the server gives back at once counts as given back).
/// </summary>
internal static class ResidentPeak
{
    /// <summary>Runs <paramref name="load"/> while sampling; bytes before, at the peak, and after.</summary>
    public static async Task<(long Before, long Peak, long After)> AroundAsync(RunHubServer server, Func<Task> load)
    {
        var before = server.ResidentBytes();
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, server.ResidentBytes());
                try { await Task.Delay(10, stop.Token); } catch (OperationCanceledException) { }
            }
        });
        try
        {
            await load();
            await Task.Delay(500);
        }
        finally
        {
            await stop.CancelAsync();
            await sampler;
        }
        var after = server.ResidentBytes();
        return (before, Math.Max(peak, after), after);
    }
}
