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

    /// <summary><c>Database schema upgraded from step 18 to step 20 (2 steps).</c></summary>
    public string Message => $"Database schema upgraded from step {From} to step {To} ({To - From} step{(To - From == 1 ? "" : "s")})";
}
