using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;

namespace RunHub.Data;

/// <summary>
/// The writes every submit makes (its savepoint, the wallet debit, the ledger line, the task row), run so that a
/// connection that stays open keeps them compiled. Microsoft.Data.Sqlite compiles a statement again for every new
/// command (<see href="https://github.com/dotnet/efcore/issues/14044">dotnet/efcore#14044</see>), and the group
/// commit's writer connection stays open for the life of the server (<see cref="KeepCompiled"/>), so on it each
/// statement is compiled once and then only rebound. On other connections (a pooled SQLite open, PostgreSQL, where
/// Npgsql prepares statements it sees often by itself) the call is an ordinary Dapper execute of the same SQL text.
/// Parameters are named without the <c>@</c>, always in the same order for one SQL text; null is bound as SQL NULL.
/// </summary>
public static class CompiledStatements
{
    /// <summary>At most this many statements are kept per connection; more are run uncached (a bug, not a load).</summary>
    private const int MaxPerConnection = 32;

    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Kept = new();

    /// <summary>Keeps the statements run on <paramref name="db"/> compiled until it is closed; for a connection that stays open.</summary>
    public static void KeepCompiled(SqliteConnection db) => Kept.AddOrUpdate(db, new Dictionary<string, SqliteCommand>(StringComparer.Ordinal));

    /// <summary>Runs <paramref name="sql"/> in <paramref name="tx"/>; the number of rows it changed.</summary>
    public static Task<int> ExecuteCompiledAsync(this DbConnection db, DbTransaction tx, string sql,
        params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (db is SqliteConnection sqlite && Command(sqlite, sql, parameters) is { } command)
        {
            command.Transaction = (SqliteTransaction)tx;
            for (var i = 0; i < parameters.Length; i++) command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
            return Task.FromResult(command.ExecuteNonQuery());
        }
        var bound = new DynamicParameters();
        foreach (var (name, value) in parameters) bound.Add(name, value);
        return db.ExecuteAsync(sql, bound, tx);
    }

    /// <summary>Runs the query <paramref name="sql"/> in <paramref name="tx"/>; the first column of its first row, or default when it has none.</summary>
    public static Task<T?> ScalarCompiledAsync<T>(this DbConnection db, DbTransaction tx, string sql,
        params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (db is SqliteConnection sqlite && Command(sqlite, sql, parameters) is { } command)
        {
            command.Transaction = (SqliteTransaction)tx;
            for (var i = 0; i < parameters.Length; i++) command.Parameters[i].Value = parameters[i].Value ?? DBNull.Value;
            var value = command.ExecuteScalar();
            return Task.FromResult(value is null or DBNull ? default : (T?)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture));
        }
        var bound = new DynamicParameters();
        foreach (var (name, value) in parameters) bound.Add(name, value);
        return db.ExecuteScalarAsync<T?>(sql, bound, tx);
    }

    private static SqliteCommand? Command(SqliteConnection db, string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!Kept.TryGetValue(db, out var commands)) return null;
        if (commands.TryGetValue(sql, out var command)) return command;
        if (commands.Count >= MaxPerConnection) return null;
        command = db.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, _) in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = "@" + name });
        commands[sql] = command;
        return command;
    }
}
