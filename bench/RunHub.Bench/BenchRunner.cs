using System.Diagnostics;
using System.Text.Json;
using RunHub.Bench.Report;
using RunHub.Bench.Scenarios;

namespace RunHub.Bench;

/// <summary>What a run produced: the report, its Markdown, and where both were written.</summary>
public sealed record BenchRun(BenchReport Report, string Markdown, string MarkdownPath, string JsonPath);

/// <summary>
/// One benchmark run: each scenario group against a fresh server (or, for the engine, in this process), one
/// after another so that no two share the machine's cores, then the report in Markdown and JSON.
/// </summary>
public static class BenchRunner
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // The report is read by people too: keep "→", "'" and "+" as they are.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static async Task<BenchRun> RunAsync(BenchOptions options, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var date = DateTimeOffset.UtcNow;
        var machine = MachineInfo.Current();
        var scenarios = new List<ScenarioResult>();
        MemoryResult? memory = null;
        var hostile = new List<HostileLoadResult>();
        SandboxMemoryResult? sandboxMemory = null;
        await using (var context = new BenchContext(options, log))
        {
            context.Log($"RunHub benchmark: {machine.Cores} cores, {machine.Dotnet}, {machine.Build} build; server {options.ResolvedRunHubDll}");
            if (options.Runs("api")) scenarios.AddRange(await ApiScenarios.RunAsync(context));
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Runs("engine") || options.Runs("e2e"))
            {
                var engine = await EngineAloneScenario.RunAsync(context);
                scenarios.Add(engine);
                cancellationToken.ThrowIfCancellationRequested();
                if (options.Runs("e2e"))
                {
                    // The sandbox engine's CPU per task drifted by a fifth within minutes on the reference machine
                    // (docs/performance.md): end to end is compared with the engine alone measured on both sides of it.
                    var e2e = await EndToEndScenario.RunAsync(context);
                    cancellationToken.ThrowIfCancellationRequested();
                    var after = await EngineAloneScenario.RunAsync(context, EngineAloneScenario.AfterName);
                    e2e = e2e.ComparedTo(engine, after);
                    context.Log($"  e2e against the engine alone before and after: {Figures.Percent(e2e.Ratio)}");
                    scenarios.Add(e2e);
                    scenarios.Add(after);
                }
            }
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Runs("pickup")) scenarios.Add(await PickupScenario.RunAsync(context));
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Runs("webhooks")) scenarios.Add(await WebhookScenario.RunAsync(context));
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Runs("memory")) memory = await MemoryScenario.RunAsync(context);
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Runs("console")) scenarios.AddRange(await ConsoleScenario.RunAsync(context));
            if (options.Runs("hostile")) hostile.AddRange(await HostileBodyScenario.RunAsync(context));
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Runs("uploads")) hostile.Add(await UploadMemoryScenario.RunAsync(context));
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Runs("sandbox-memory")) sandboxMemory = await SandboxMemoryScenario.RunAsync(context);
            cancellationToken.ThrowIfCancellationRequested();
            if (options.Runs("input")) scenarios.Add(await InputCheckScenario.RunAsync(context));
        }

        var report = new BenchReport
        {
            Date = date,
            Machine = machine,
            Command = options.Command.Length > 0 ? options.Command : "dotnet run -c Release --project bench/RunHub.Bench",
            ProcessCommandLine = Environment.CommandLine,
            Settings = BenchSettings.Of(options),
            Scenarios = scenarios,
            Memory = memory,
            SandboxMemory = sandboxMemory,
            Hostile = hostile,
            Targets = Targets.Check(scenarios, memory, options.StoreName, hostile, sandboxMemory),
            Notes = Notes(machine),
            TotalSeconds = clock.Elapsed.TotalSeconds,
        };
        var markdown = MarkdownReport.Write(report);
        var dir = options.ResolvedOutputDir;
        Directory.CreateDirectory(dir);
        // A PostgreSQL run is kept beside the SQLite one: docs/performance.md compares the two.
        var suffix = options.StoreName == "sqlite" ? "" : "-" + options.StoreName;
        var stem = Path.Combine(dir, date.ToString("yyyy-MM-dd'T'HH-mm-ss'Z'", System.Globalization.CultureInfo.InvariantCulture) + suffix);
        var json = JsonSerializer.Serialize(report, ReportJson);
        await File.WriteAllTextAsync(stem + ".md", markdown, cancellationToken);
        await File.WriteAllTextAsync(stem + ".json", json, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, $"latest{suffix}.md"), markdown, cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(dir, $"latest{suffix}.json"), json, cancellationToken);
        return new BenchRun(report, markdown, stem + ".md", stem + ".json");
    }

    private static List<string> Notes(MachineInfo machine)
    {
        var notes = new List<string>
        {
            "The load generator runs on the same cores as the server; every ratio shares that cost, which is why targets are ratios.",
        };
        if (machine.Build != "Release")
            notes.Add("**This is a Debug build**: its figures say little. Run with `-c Release`.");
        return notes;
    }
}
