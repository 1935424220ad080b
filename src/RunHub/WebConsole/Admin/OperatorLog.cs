using System.Data.Common;
using Dapper;
using RunHub.Data;

namespace RunHub.WebConsole.Admin;

/// <summary>What operators did, who and why: written in the transaction of the action itself, so neither exists without the other.</summary>
public sealed class OperatorLog(Database database, TimeProvider clock)
{
    public async Task RecordAsync(DbConnection db, DbTransaction tx, Operator actor, string action, string target, string note) =>
        await db.ExecuteAsync(
            "INSERT INTO operator_actions (user_id, email, action, target, note, created_at) VALUES (@UserId, @Email, @action, @target, @note, @now)",
            new { actor.UserId, actor.Email, action, target, note, now = clock.GetUtcNow().ToUnixTimeMilliseconds() }, tx);

    /// <summary>The latest actions, newest first; of one target when given.</summary>
    public async Task<IReadOnlyList<OperatorAction>> RecentAsync(string? target = null, int limit = 50)
    {
        await using var db = await database.OpenAsync();
        return (await db.QueryAsync<OperatorAction>(
            """
            SELECT email AS Email, action AS Action, target AS Target, note AS Note, created_at AS CreatedAt FROM operator_actions
            WHERE @target IS NULL OR target = @target ORDER BY id DESC LIMIT @limit
            """, new { target, limit })).ToList();
    }
}

/// <summary>The operator acting: their user id and email, as their session says.</summary>
public sealed record Operator(string UserId, string Email);

public sealed record OperatorAction(string Email, string Action, string Target, string Note, long CreatedAt);
