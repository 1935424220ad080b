using System.Globalization;
using System.Text;

namespace RunHub.Bench.Report;

/// <summary>The human-readable report: the machine and command, one table of every scenario, memory, the targets, notes.</summary>
internal static class MarkdownReport
{
    public static string Write(BenchReport report)
    {
        var md = new StringBuilder();
        void Line(FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        var m = report.Machine;
        var s = report.Settings;

        Line($"# RunHub benchmark — {report.Date:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        Line($"- Machine: {m.Cores} cores ({m.Cpu}), {m.MemoryGb:0.0} GB, {m.Os}, {m.Dotnet}, {m.Build} build, data folders on {m.DataFilesystem}");
        Line($"- Store: {(s.Store == "postgres" ? "PostgreSQL (a fresh database per group on the server given with --postgres)" : "SQLite (the embedded default, a fresh file per group)")}");
        Line($"- Command: `{report.Command}`");
        Line($"- Settings: {s.DurationSeconds:0.###} s per scenario after {s.WarmupSeconds:0.###} s of warm-up, {s.Concurrency} connections, {s.Workers} server workers, {s.MemoryTasks:N0} tasks for memory; the run took {report.TotalSeconds:0} s");
        md.AppendLine();
        md.AppendLine("| scenario | throughput | p50 ms | p99 ms | max ms | errors | vs. reference |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in report.Scenarios)
        {
            var versus = r.Ratio is { } ratio ? string.Create(CultureInfo.InvariantCulture, $"{Figures.Percent(ratio)} of {r.ComparedWith}") : "";
            Line($"| {r.Name} | {r.Rate:N1} {r.Unit} | {r.Latency.P50:0.00} | {r.Latency.P99:0.00} | {r.Latency.Max:0.00} | {r.Errors} | {versus} |");
        }
        md.AppendLine();
        if (report.Memory is { } mem)
        {
            Line($"Memory of a `--role api` server (VmRSS): {Figures.Mb(mem.EmptyBytes)} MB empty, {Figures.Mb(mem.FullBytes)} MB with {mem.QueuedInDatabase:N0} queued tasks: **{Figures.Mb(mem.ExtraBytes)} MB extra** ({Figures.Mb(mem.ExtraBytesPer100k)} MB per 100,000); peak {Figures.Mb(mem.PeakBytes)} MB.");
        Line($"The queue was filled at {mem.FillRate:N0} submits/s (first tenth {mem.FillRateFirstTenth:N0}/s, last tenth {mem.FillRateLastTenth:N0}/s), with {mem.FillErrors} errors.");
            md.AppendLine();
        }

        if (report.Hostile.Count > 0)
        {
            md.AppendLine("| load (hostile, or large uploads) | resident before | peak | after | answered | closed | sent |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
            foreach (var h in report.Hostile)
                Line($"| {h.Name}: {h.Load} | {Figures.Mb(h.BeforeBytes)} MB | {Figures.Mb(h.PeakBytes)} MB | {Figures.Mb(h.AfterBytes)} MB | {h.Answered} | {h.Closed} | {Figures.Mb(h.BytesSent)} MB |");
            md.AppendLine();
        }

        if (report.SandboxMemory is { } sandbox)
        {
            Line($"Sandbox under hostile images: {sandbox.Workers} workers ran {sandbox.Tasks} edits of a {sandbox.InputBytes / 1024} KB PNG of {sandbox.InputPixels / 1e6:0} megapixels ({sandbox.Ended} ended, {sandbox.Succeeded} succeeded, {sandbox.Seconds:0.0} s): {Figures.Mb(sandbox.BeforeBytes)} MB resident before, **peak {Figures.Mb(sandbox.PeakBytes)} MB**.");
            foreach (var e in sandbox.ErrorMessages) Line($"- sandbox-memory error: `{e}`");
            md.AppendLine();
        }

        md.AppendLine("## Targets");
        md.AppendLine();
        foreach (var t in report.Targets) Line($"- **{t.Verdict}** {t.Scenario}: {t.Figure} — target {t.Target}");
        md.AppendLine();

        md.AppendLine("## What each row measures");
        md.AppendLine();
        foreach (var r in report.Scenarios)
        {
            Line($"- **{r.Name}**: {r.Measures}. Latency: {r.LatencyOf}; {r.Latency.Samples:N0} samples.");
            if (r.Details.Count > 0)
                Line($"  Also: {string.Join(", ", r.Details.Select(d => string.Create(CultureInfo.InvariantCulture, $"{d.Key} {d.Value:0.##}")))}.");
            foreach (var e in r.ErrorMessages) Line($"  Error: `{e}`");
        }
        foreach (var e in report.Memory?.ErrorMessages ?? []) Line($"- memory fill error: `{e}`");
        if (report.Notes.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Notes");
            md.AppendLine();
            foreach (var note in report.Notes) md.Append("- ").AppendLine(note);
        }
        return md.ToString();
    }
}
