using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Options;
using RunHub.Data;

namespace RunHub.WebConsole.Users;

/// <summary>
/// Wrong passwords given to the console's sign-in, counted per email in the database (<c>sign_in_failures</c>, so every
/// node sees them) for every email, registered or not: <c>WebConsole:MaxFailedSignIns</c> in a row lock the email for
/// <c>WebConsole:LockoutMinutes</c>, so the sign-in form answers an unregistered email exactly as it answers a
/// registered one whose password the caller does not know. Emails are kept only as the SHA-256 (hex) of their
/// normalised form (<see cref="PasswordRules.Normalize"/>). A run of wrong passwords is forgotten <c>LockoutMinutes</c>
/// after its last one (so a lock that ended starts a new run), and its row is then deleted at a later wrong password.
/// </summary>
public sealed class PasswordFailures(Database database, IOptions<RunHubOptions> options, TimeProvider clock)
{
    private WebConsoleOptions Settings => options.Value.WebConsole;

    private long Now => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private long LockoutMs => (long)(Settings.LockoutMinutes * 60_000);

    /// <summary>The key of <paramref name="email"/> in <c>sign_in_failures</c>: SHA-256 of its normalised UTF-8, lower-case hex (64 characters).</summary>
    public static string EmailKey(string email) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(PasswordRules.Normalize(email))));

    /// <summary>Whether <paramref name="email"/> is locked now by wrong passwords, whether or not a user has it.</summary>
    public async Task<bool> IsLockedAsync(string email)
    {
        await using var db = await database.OpenAsync();
        var until = await db.ExecuteScalarAsync<long?>("SELECT locked_until FROM sign_in_failures WHERE email_hash = @key", new { key = EmailKey(email) });
        return until > Now;
    }

    /// <summary>
    /// Counts a wrong password for <paramref name="email"/>: the <c>MaxFailedSignIns</c>-th of a run (each within
    /// <c>LockoutMinutes</c> of the one before) locks the email for <c>LockoutMinutes</c>. Forgets the runs that ended.
    /// </summary>
    public async Task CountAsync(string email)
    {
        var now = Now;
        var stale = now - LockoutMs;
        // One statement, so two nodes counting at once cannot both start a run or lose a count. The right-hand sides
        // read the row as it was; "run" is the count this wrong password makes.
        const string run = "CASE WHEN f.last_failed_at > @stale THEN f.failures + 1 ELSE 1 END";
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync(
            $"""
            INSERT INTO sign_in_failures AS f (email_hash, failures, last_failed_at, locked_until)
            VALUES (@key, 1, @now, @firstLock)
            ON CONFLICT (email_hash) DO UPDATE SET failures = {run},
                locked_until = CASE WHEN {run} >= @max THEN @until ELSE NULL END,
                last_failed_at = @now
            """,
            new
            {
                key = EmailKey(email), now, stale, max = Settings.MaxFailedSignIns, until = now + LockoutMs,
                firstLock = Settings.MaxFailedSignIns <= 1 ? now + LockoutMs : (long?)null,
            });
        await db.ExecuteAsync("DELETE FROM sign_in_failures WHERE last_failed_at <= @stale AND (locked_until IS NULL OR locked_until <= @now)",
            new { stale, now });
    }

    /// <summary>Forgets the wrong passwords of <paramref name="email"/> (a complete sign-in: the next run starts at none).</summary>
    public async Task ForgetAsync(string email)
    {
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync("DELETE FROM sign_in_failures WHERE email_hash = @key", new { key = EmailKey(email) });
    }
}
