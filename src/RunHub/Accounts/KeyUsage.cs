using System.Collections.Concurrent;
using Dapper;
using RunHub.Data;

namespace RunHub.Accounts;

/// <summary>
/// When each API key was last used, gathered in memory and written in one batch (every
/// <see cref="FlushInterval"/>, when the console lists keys, and at shutdown), so a request never waits for a
/// write to record it. "Last used" is therefore exact to about a minute, per node.
/// </summary>
public sealed class KeyUsage(Database database, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(60);

    private readonly ConcurrentDictionary<string, long> _lastUse = new(StringComparer.Ordinal);

    /// <summary>Notes a use of the key with this hash, now.</summary>
    public void Touch(string keyHash) => _lastUse[keyHash] = clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Writes the uses noted since the last flush (later times only: another node may have written a newer one).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_lastUse.IsEmpty) return;
        var batch = new List<(string Hash, long At)>();
        foreach (var hash in _lastUse.Keys)
            if (_lastUse.TryRemove(hash, out var at)) batch.Add((hash, at));
        await using var db = await database.OpenAsync(cancellationToken);
        await using var tx = await db.BeginTransactionAsync(cancellationToken);
        foreach (var (hash, at) in batch)
            await db.ExecuteAsync(new CommandDefinition(
                "UPDATE api_keys SET last_used_at = @at WHERE key_hash = @hash AND (last_used_at IS NULL OR last_used_at < @at)",
                new { hash, at }, tx, cancellationToken: cancellationToken));
        await tx.CommitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await FlushAsync(CancellationToken.None);
    }
}
