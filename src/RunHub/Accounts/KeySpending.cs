using System.Data.Common;
using Dapper;
using RunHub.Data;

namespace RunHub.Accounts;

/// <summary>
/// What each key with a spend cap has spent (<c>api_keys.spent</c>, thousandths of CNY): the prices its tasks reserved
/// since the cap was set, less what failed and cancelled tasks (and the unused part of a run-time reservation) gave
/// back. It moves in the transaction of the wallet movement it mirrors, so the cap holds under concurrent submits on
/// every node as the wallet's balance does. Keys without a cap are not counted: their submits write nothing here.
/// </summary>
internal static class KeySpending
{
    /// <summary>
    /// Adds to <paramref name="batch"/> a submit's price added to its key's spending. The task itself is inserted with
    /// <c>key_charged = 1</c> beside its <c>key_hash</c> (that is the note of which key its reservation belongs to).
    /// Returns the place of the spending's update; when it did not change exactly one row, that would pass the key's
    /// cap, and the caller must refuse (roll back) the transaction.
    /// </summary>
    public static int Charge(StatementBatch batch, string keyHash, Money price) =>
        batch.Execute(
            "UPDATE api_keys SET spent = spent + @price WHERE key_hash = @keyHash AND (spend_cap IS NULL OR spent + @price <= spend_cap)",
            ("price", price.Millis), ("keyHash", keyHash));

    /// <summary>Gives a released part of a task's reservation back to the key that submitted it, if that key has a cap.</summary>
    public static Task ReleaseAsync(DbConnection db, DbTransaction tx, string taskId, Money price) =>
        db.ExecuteAsync(
            "UPDATE api_keys SET spent = CASE WHEN spent > @price THEN spent - @price ELSE 0 END " +
            "WHERE key_hash = (SELECT key_hash FROM tasks WHERE id = @taskId AND key_charged = 1)", new { taskId, price = price.Millis }, tx);
}
