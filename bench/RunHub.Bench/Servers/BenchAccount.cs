namespace RunHub.Bench.Servers;

/// <summary>An account of a bench server and its API key.</summary>
internal sealed record BenchAccount(string Id, string ApiKey)
{
    /// <summary>Enough for millions of seed submits at 0.03 CNY: the wallet never refuses a measured submit.</summary>
    public const decimal HugeBalance = 1_000_000m;
}
