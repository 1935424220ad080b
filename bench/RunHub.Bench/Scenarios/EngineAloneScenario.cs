using Microsoft.Extensions.Options;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Engines;
using RunHub.Engines.Sandbox;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// The reference for end to end: <see cref="SandboxEngine.RunAsync"/> called directly in this process, as many
/// at once as the server has workers, on the seed job, with no server running. What the server adds on top of
/// this is the platform's overhead.
/// </summary>
internal static class EngineAloneScenario
{
    public static async Task<ScenarioResult> RunAsync(BenchContext context)
    {
        var options = context.Options;
        var job = await SeedJob.BuildAsync(context.NewDataDir("engine"));
        // Default options: no delay, no failures, as the bench's servers run it.
        var engine = new SandboxEngine(Options.Create(new RunHubOptions()));
        context.Log($"engine: SandboxEngine.RunAsync alone, {options.Workers} in parallel");
        var run = await MeasuredRun.ClosedAsync(null, options, options.Workers, async () =>
        {
            try
            {
                var output = await engine.RunAsync(job, CancellationToken.None);
                return output.Files.Count == 1 ? CallResult.Success : CallResult.Failed($"{output.Files.Count} outputs");
            }
            catch (EngineException e)
            {
                return CallResult.Failed($"{e.ErrorCode}: {e.Message}");
            }
        });
        var (samples, cpu) = (run.Samples, run.Cpu);
        var result = ScenarioResult.From("engine",
            $"SandboxEngine.RunAsync on the seed job in the bench process, {options.Workers} at once (the server's workers), no server running",
            "tasks/s", "one RunAsync call", samples, options.Duration) with
        {
            Details = new Dictionary<string, double>
            {
                ["cpuMsPerTask"] = samples.Count > 0 ? cpu.BenchSeconds * 1000 / samples.Count : 0,
                ["cpuPercentOfMachine"] = cpu.BenchShare * 100,
                ["jitSettleSeconds"] = run.Settle.TotalSeconds,
            },
        };
        context.Log(ApiScenarios.Line(result));
        return result;
    }
}
