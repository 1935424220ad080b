namespace RunHub.Bench.Report;

/// <summary>Where one scenario stands against its target: PASS or MISS, with the figure that decided it.</summary>
public sealed record TargetResult(string Scenario, string Target, string Figure, bool Pass)
{
    public string Verdict => Pass ? "PASS" : "MISS";
}
