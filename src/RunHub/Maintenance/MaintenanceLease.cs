using Dapper;
using RunHub.Data;

namespace RunHub.Maintenance;

/// <summary>
/// Who runs the maintenance job: one row (<c>maintenance_leases</c>) that a node takes with a guarded UPDATE, so of
/// all the nodes sharing a database one runs the job at a time. <c>held_until</c> is both the lease's end (a node
/// that died holding it loses it then) and, once released, when the next run is due — so the job runs once per
/// interval across the cluster, not once per node.
/// </summary>
public sealed class MaintenanceLease(Database database, TimeProvider clock)
{
    private const string Name = "maintenance";

    /// <summary>Takes the lease for <paramref name="hold"/> when it is free and a run is due; false otherwise.</summary>
    public async Task<bool> TryTakeAsync(string owner, TimeSpan hold, CancellationToken cancellationToken)
    {
        var now = clock.NowMs();
        await using var db = await database.OpenAsync(cancellationToken);
        return await db.ExecuteAsync(new CommandDefinition(
            "UPDATE maintenance_leases SET owner = @owner, held_until = @until WHERE name = @Name AND held_until <= @now",
            new { owner, until = now + (long)hold.TotalMilliseconds, Name, now }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Extends a held lease by <paramref name="hold"/> from now; false when it was lost (it lapsed and another node took it).</summary>
    public async Task<bool> RenewAsync(string owner, TimeSpan hold, CancellationToken cancellationToken)
    {
        var now = clock.NowMs();
        await using var db = await database.OpenAsync(cancellationToken);
        return await db.ExecuteAsync(new CommandDefinition(
            "UPDATE maintenance_leases SET held_until = @until WHERE name = @Name AND owner = @owner",
            new { owner, until = now + (long)hold.TotalMilliseconds, Name }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Gives the lease up; the next run (on any node) is due after <paramref name="interval"/>.</summary>
    public async Task ReleaseAsync(string owner, TimeSpan interval)
    {
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync("UPDATE maintenance_leases SET owner = '', held_until = @next WHERE name = @Name AND owner = @owner",
            new { owner, next = clock.NowMs() + (long)interval.TotalMilliseconds, Name });
    }
}
