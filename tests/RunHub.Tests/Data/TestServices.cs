namespace RunHub.Tests.Data;

/// <summary>
/// The outside services tests/run starts (tests/services/*.sh). A test that needs one it was not given is skipped
/// with the reason when run alone, and fails when RUNHUB_TEST_REQUIRE_SERVICES=1 (tests/run, CI).
/// </summary>
public static class TestServices
{
    public const string PostgresVariable = "RUNHUB_TEST_POSTGRES";

    private static bool Required => Environment.GetEnvironmentVariable("RUNHUB_TEST_REQUIRE_SERVICES") == "1";

    /// <summary>The skip reason for a PostgreSQL test, or null when it must run.</summary>
    public static string? PostgresSkipReason =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PostgresVariable)) || Required
            ? null
            : $"needs PostgreSQL: {PostgresVariable} is not set (tests/run starts one with tests/services/postgres.sh)";

    /// <summary>The connection string of the test server's database; fails the test when there is none.</summary>
    public static string PostgresConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set but RUNHUB_TEST_REQUIRE_SERVICES=1: tests/services/postgres.sh did not start PostgreSQL (see its messages above)");
}

/// <summary>A fact that needs PostgreSQL (<see cref="TestServices"/>).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = TestServices.PostgresSkipReason;
}
