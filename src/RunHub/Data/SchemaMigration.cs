namespace RunHub.Data;

/// <summary>
/// What opening a database did to its schema: the step it was at (0 for a new database) and the step it is at now
/// (<see cref="SqliteSchema.StepCount"/> or PostgreSQL's). <c>serve</c> prints a line when it applied steps to an
/// existing database, so an upgrade is never silent.
/// </summary>
public readonly record struct SchemaMigration(int From, int To)
{
    /// <summary>True when steps were applied to a database that already had a schema.</summary>
    public bool UpgradedExisting => From > 0 && To > From;

    /// <summary>
    /// Why a migration stopped: <c>schema step 20 failed (no such index: tasks_pending); nothing was changed, the database
    /// stays at step 19: the schema step 20 found is not what the steps before it leave ...</c>. The steps run in one transaction, so a failed one leaves the database as it was.
    /// </summary>
    public static string StepFailed(int step, int stays, string error) =>
        $"schema step {step} failed ({error.TrimEnd('.')}); nothing was changed, the database stays at step {stays}: the schema step " +
        $"{step} found is not what the steps before it leave (was it changed by hand?); restore the copy taken before the upgrade " +
        "(docs/deployment.md#migrations)";

    /// <summary><c>Database schema upgraded from step 18 to step 20 (2 steps).</c></summary>
    public string Message => $"Database schema upgraded from step {From} to step {To} ({To - From} step{(To - From == 1 ? "" : "s")})";
}
