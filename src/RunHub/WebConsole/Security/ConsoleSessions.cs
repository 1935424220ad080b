using Dapper;
using Microsoft.Extensions.Options;
using RunHub.Data;

namespace RunHub.WebConsole.Security;

/// <summary>
/// The console sessions "Sign out" ended (<c>ended_sessions</c>): a signed-out cookie is refused on every node, even a
/// copy of it taken before, though its user's security stamp (which "sign out everywhere" renews) is unchanged. An ended
/// session is remembered for <c>WebConsole:MaxSessionDays</c>, after which its cookie is refused for its age anyway.
/// </summary>
public sealed class ConsoleSessions(Database database, TimeProvider clock, IOptions<RunHubOptions> options)
{
    /// <summary>Records <paramref name="sessionId"/> (<see cref="ConsoleClaims.SessionId"/>) as ended, and forgets those past any session's age.</summary>
    public async Task EndAsync(string sessionId)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await database.OpenAsync();
        await using var tx = await db.BeginTransactionAsync();
        await db.ExecuteAsync("INSERT INTO ended_sessions (id, ended_at) VALUES (@sessionId, @now) ON CONFLICT (id) DO NOTHING", new { sessionId, now }, tx);
        await db.ExecuteAsync("DELETE FROM ended_sessions WHERE ended_at < @before",
            new { before = now - options.Value.WebConsole.MaxSessionDays * 86_400_000L }, tx);
        await tx.CommitAsync();
    }

    /// <summary>Whether "Sign out" ended the session <paramref name="sessionId"/>.</summary>
    public async Task<bool> HasEndedAsync(string sessionId)
    {
        await using var db = await database.OpenAsync();
        return await db.ExecuteScalarAsync<long?>("SELECT 1 FROM ended_sessions WHERE id = @sessionId", new { sessionId }) is not null;
    }
}
