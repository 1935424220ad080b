using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Options;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Catalog;
using RunHub.Files;
using RunHub.Media;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// The CPU a worker spends checking one input before any engine sees it — the step that took minutes on the issue's
/// crafted PNG — on each of the <see cref="CraftedInputs"/>: the server's own input check (format, header, size and
/// pixel budget, against the seed model's <c>imageUrls</c>: 10 MB, JPG or PNG; other formats are parsed, then refused
/// for their format) on the bytes in memory, timed by the process's CPU clock, the median of <see cref="Repeats"/>
/// calls after one warm-up. Reading the bytes (a download, a <c>data:</c> URL's base64) comes before the check and is
/// linear in their length; the row also gives the whole <see cref="InputFetcher.FetchAsync"/> of the first file as a
/// <c>data:</c> URL, for scale.
/// </summary>
internal static class InputCheckScenario
{
    public const int Repeats = 5;

    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var options = new RunHubOptions();
        var spec = ModelCatalog.Load(options).Find(BenchRequests.Endpoint)!.Parameters.Single(p => p.FieldKey == "imageUrls");
        var samples = new List<double>();
        var details = new Dictionary<string, double>();
        var outcomes = new List<string>();
        context.Log($"input-check: {CraftedInputs.Names.Count} crafted inputs of at most 10 MB, {Repeats} checks each");
        foreach (var name in CraftedInputs.Names)
        {
            var data = CraftedInputs.Build(name);
            var outcome = "";
            var times = new List<double>();
            for (var i = 0; i <= Repeats; i++)
            {
                var (cpu, result) = CpuOf(() => Check(data, spec, options.Media.MaxImagePixels));
                outcome = result;
                if (i > 0) times.Add(cpu);
            }
            times.Sort();
            samples.AddRange(times);
            details[$"cpuMs {name}"] = times[times.Count / 2];
            outcomes.Add(string.Create(CultureInfo.InvariantCulture, $"{name} ({data.Length / 1024.0 / 1024:0.0} MB) {outcome}"));
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  {name}: median {times[times.Count / 2]:0.00} ms CPU, {outcome}"));
        }

        var first = CraftedInputs.Names[0];
        var firstData = CraftedInputs.Build(first);
        using var fetcher = new InputFetcher(Options.Create(options), new LocalFileStore(context.NewDataDir("input-check")));
        var reference = new MediaReference(spec.FieldKey, 0, "data:image/png;base64," + Convert.ToBase64String(firstData));
        await FetchAsync(fetcher, reference, spec);
        var before = CpuMs();
        await FetchAsync(fetcher, reference, spec);
        details[$"fetchFromDataUrlCpuMs {first}"] = CpuMs() - before;

        var summary = LatencySummary.Of(samples);
        return new ScenarioResult
        {
            Name = "input-check",
            Measures = "the server's input check (header parse, format, size and pixel budget; seed imageUrls spec) of each crafted input in the bench process: " +
                string.Join("; ", outcomes),
            Unit = "checks/s of CPU",
            Rate = summary.Mean > 0 ? 1000 / summary.Mean : 0,
            Count = samples.Count,
            Seconds = samples.Sum() / 1000,
            LatencyOf = "the process's CPU time of one check, ms",
            Latency = summary,
            Details = details,
        };
    }

    private static string Check(byte[] data, ParameterSpec spec, long maxImagePixels)
    {
        try
        {
            var (format, width, height) = InputAcceptance.Check(data, spec, maxImagePixels);
            return $"accepted as {format.Name} {width}×{height}";
        }
        catch (FetchRefusedException e)
        {
            return "refused: " + e.Message;
        }
    }

    private static async Task FetchAsync(InputFetcher fetcher, MediaReference reference, ParameterSpec spec)
    {
        try
        {
            await fetcher.FetchAsync(reference, spec, CancellationToken.None);
        }
        catch (InputRejectedException)
        {
            // Refused is an answer too; the time to it is what counts.
        }
    }

    private static (double CpuMs, T Result) CpuOf<T>(Func<T> work)
    {
        var before = CpuMs();
        var result = work();
        return (CpuMs() - before, result);
    }

    private static double CpuMs()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }
}
