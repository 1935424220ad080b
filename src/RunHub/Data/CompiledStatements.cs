using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;

namespace RunHub.Data;

/// <summary>
/// The writes every submit makes (the task row, the wallet debit, the ledger line, and its savepoint after a refusal), run so that a
/// connection that stays open keeps them compiled. Microsoft.Data.Sqlite compiles a statement again for every new
/// command (<see href="https://github.com/dotnet/efcore/issues/14044">dotnet/efcore#14044</see>), and the group
/// commit's writer connection stays open for the life of the server (<see cref="KeepCompiled"/>), so on it each
/// statement is compiled once (<see cref="KeptStatement"/>) and then only rebound and stepped through SQLite's own
/// API, without the driver's per-execution objects (a binder per parameter, a UTF-8 copy per text, a data reader).
/// On other connections (a pooled SQLite open, PostgreSQL, where Npgsql prepares statements it sees often by itself)
/// the call is an ordinary Dapper execute of the same SQL text. Parameters are named without the <c>@</c>, always in
/// the same order for one SQL text; null is bound as SQL NULL.
/// </summary>
public static class CompiledStatements
{
    /// <summary>At most this many statements are kept per connection; more are run uncached (a bug, not a load).</summary>
    private const int MaxPerConnection = 32;

    private static readonly ConditionalWeakTable<SqliteConnection, KeptStatements> Kept = new();

    /// <summary>
    /// Keeps the statements run on <paramref name="db"/> compiled until it is closed; for a connection that stays open.
    /// The statements are released when the connection closes.
    /// </summary>
    public static void KeepCompiled(SqliteConnection db)
    {
        var statements = new KeptStatements();
        Kept.AddOrUpdate(db, statements);
        db.StateChange += (_, change) =>
        {
            if (change.CurrentState != System.Data.ConnectionState.Closed) return;
            statements.Dispose();
            Kept.Remove(db);
        };
    }

    /// <summary>Runs <paramref name="sql"/> in <paramref name="tx"/>; the number of rows it changed, as Microsoft.Data.Sqlite counts them (-1 for a query).</summary>
    /// <exception cref="SqliteException">SQLite refused the statement (a constraint, a busy database after its timeout).</exception>
    public static Task<int> ExecuteCompiledAsync(this DbConnection db, DbTransaction tx, string sql,
        params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (db is SqliteConnection sqlite && Statement(sqlite, tx, sql, parameters) is { } statement)
            return Task.FromResult(statement.Execute(parameters));
        var bound = new DynamicParameters();
        foreach (var (name, value) in parameters) bound.Add(name, value);
        return db.ExecuteAsync(sql, bound, tx);
    }

    /// <summary>Runs the query <paramref name="sql"/> in <paramref name="tx"/>; the first column of its first row, or default when it has none.</summary>
    /// <exception cref="SqliteException">SQLite refused the statement.</exception>
    public static Task<T?> ScalarCompiledAsync<T>(this DbConnection db, DbTransaction tx, string sql,
        params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (db is SqliteConnection sqlite && Statement(sqlite, tx, sql, parameters) is { } statement)
        {
            var value = statement.Scalar(parameters);
            return Task.FromResult(value switch { null => default, T same => same, _ => (T?)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture) });
        }
        var bound = new DynamicParameters();
        foreach (var (name, value) in parameters) bound.Add(name, value);
        return db.ExecuteScalarAsync<T?>(sql, bound, tx);
    }

    /// <summary>The kept statement, or null to run this call uncached: not a kept connection, a full cache, several statements in one text, or a value of a type <see cref="KeptStatement"/> does not bind.</summary>
    private static KeptStatement? Statement(SqliteConnection db, DbTransaction tx, string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!Kept.TryGetValue(db, out var statements)) return null;
        if (tx.Connection != db) throw new InvalidOperationException("The transaction belongs to another connection.");
        foreach (var (_, value) in parameters)
            if (!KeptStatement.Binds(value)) return null;
        if (statements.TryFind(sql, out var statement)) return statement;
        if (statements.Count >= MaxPerConnection) return null;
        // A text of several statements is remembered as one to run uncached, so it is not compiled again on every call.
        statement = KeptStatement.Prepare(db.Handle!, sql, parameters);
        statements.Add(sql, statement);
        return statement;
    }

    /// <summary>
    /// One connection's kept statements by SQL text. The texts are nearly always the same string objects (constants), so
    /// a lookup tries the string's identity first, which hashes no characters (a submit's five texts are up to 300
    /// characters each), and only then its characters; a text found by its characters is remembered by identity too, up
    /// to a bound, so texts built anew on every call cannot grow it.
    /// </summary>
    private sealed class KeptStatements : IDisposable
    {
        private readonly Dictionary<string, KeptStatement?> _byText = new(StringComparer.Ordinal);
        private readonly Dictionary<string, KeptStatement?> _byIdentity = new(ReferenceEqualityComparer.Instance);

        public int Count => _byText.Count;

        public bool TryFind(string sql, out KeptStatement? statement)
        {
            if (_byIdentity.TryGetValue(sql, out statement)) return true;
            if (!_byText.TryGetValue(sql, out statement)) return false;
            if (_byIdentity.Count < 2 * MaxPerConnection) _byIdentity[sql] = statement;
            return true;
        }

        public void Add(string sql, KeptStatement? statement)
        {
            _byText[sql] = statement;
            _byIdentity[sql] = statement;
        }

        public void Dispose()
        {
            foreach (var statement in _byText.Values) statement?.Dispose();
            _byText.Clear();
            _byIdentity.Clear();
        }
    }
}
