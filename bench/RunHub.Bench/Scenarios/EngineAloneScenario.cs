using Microsoft.Extensions.Options;
using RunHub.Bench.Load;
using RunHub.Bench.Report;
using RunHub.Engines;
using RunHub.Engines.Sandbox;

namespace RunHub.Bench.Scenarios;

/// <summary>
/// The reference for end to end: <see cref="SandboxEngine.RunAsync"/> called directly in this process, as many
/// at once as the server has workers, on the seed job, with no server running. What the server adds on top of
/// this is the platform's overhead. With end to end it runs twice, before and after (<see cref="AfterName"/>), and end
/// to end is compared with the mean of both.
/// </summary>
internal static class EngineAloneScenario
{
    /// <summary>The row of the second run, after end to end.</summary>
    public const string AfterName = "engine-after";

    /// <param name="name"><c>engine</c>, or <see cref="AfterName"/> for the run after end to end.</param>
    public static async Task<ScenarioResult> RunAsync(BenchContext context, string name = "engine")
    {
        var options = context.Options;
        var job = await SeedJob.BuildAsync(context.NewDataDir(name));
        // Default options: no delay, no failures, as the bench's servers run it.
        var engine = new SandboxEngine(Options.Create(new RunHubOptions()));
        context.Log($"{name}: SandboxEngine.RunAsync alone, {options.Workers} in parallel");
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
        var result = ScenarioResult.From(name,
            $"SandboxEngine.RunAsync on the seed job in the bench process, {options.Workers} at once (the server's workers), no server running"
            + (name == AfterName ? ", again after end to end" : ""),
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
