using System.Data.Common;
using Npgsql;

namespace RunHub.Data;

/// <summary>
/// Statements of one transaction that do not depend on each other's results, sent together: on PostgreSQL one
/// <see cref="NpgsqlBatch"/>, so one network round trip instead of one per statement (a submit's task, wallet debit,
/// ledger line and wake-up: four round trips became one); on SQLite one after another through
/// <see cref="CompiledStatements"/>, where a round trip costs nothing. The SQL texts are the same on both stores. The
/// statements run in the order they were added (so locks are taken in that order), and all of them run: a caller that
/// refuses on a result throws afterwards, which rolls the transaction (or, in a group commit, its savepoint) back with everything it wrote.
/// Parameters are named without the <c>@</c>, always in the same order for one SQL text; null is bound as SQL NULL.
/// </summary>
public sealed class StatementBatch
{
    private readonly List<Statement> _statements = [];

    /// <summary>Adds a statement that changes rows; its result is how many it changed. Returns its place, for <see cref="Results"/>.</summary>
    public int Execute(string sql, params (string Name, object? Value)[] parameters) => Add(new Statement(sql, parameters, ReturnsRows: false));

    /// <summary>Adds a query; its result is the first column of its first row, or null when it has none. Returns its place.</summary>
    public int Query(string sql, params (string Name, object? Value)[] parameters) => Add(new Statement(sql, parameters, ReturnsRows: true));

    private int Add(Statement statement)
    {
        _statements.Add(statement);
        return _statements.Count - 1;
    }

    /// <summary>Runs the statements in <paramref name="tx"/>; their results by place.</summary>
    public async Task<Results> RunAsync(DbConnection db, DbTransaction tx)
    {
        if (db is NpgsqlConnection postgres) return await RunAsync(postgres, (NpgsqlTransaction)tx);
        var results = new object?[_statements.Count];
        for (var i = 0; i < _statements.Count; i++)
        {
            var (sql, parameters, returnsRows) = _statements[i];
            results[i] = returnsRows ? await db.ScalarCompiledAsync<object>(tx, sql, parameters) : await db.ExecuteCompiledAsync(tx, sql, parameters);
        }
        return new Results(results);
    }

    /// <summary>
    /// Runs the statements as a transaction of their own that commits with them, in one round trip: PostgreSQL runs the
    /// statements of one batch sent without a transaction as one implicit transaction, committed (durably, as any commit)
    /// when the last one has run, or rolled back whole when any of them fails, the rest then skipped. So no refusal may be
    /// left to the caller's reading of the results: a statement whose outcome must refuse the transaction has to fail in
    /// the database (a constraint), and that failure is thrown here (<see cref="PostgresException"/>) with nothing written.
    /// </summary>
    public Task<Results> CommitAsync(NpgsqlConnection db) => RunAsync(db, null);

    private async Task<Results> RunAsync(NpgsqlConnection db, NpgsqlTransaction? tx)
    {
        var results = new object?[_statements.Count];
        await using var batch = new NpgsqlBatch(db, tx);
        foreach (var statement in _statements)
        {
            // Positional parameters: Npgsql sends the text as it is instead of rewriting it on every run (PositionalSql).
            var command = new NpgsqlBatchCommand(PositionalSql.Of(statement.Sql, statement.Parameters));
            foreach (var (_, value) in statement.Parameters) command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
            batch.BatchCommands.Add(command);
        }
        await using (var reader = await batch.ExecuteReaderAsync())
        {
            // One result set per statement that returns rows, in order; the reader skips the others.
            var first = true;
            for (var i = 0; i < _statements.Count; i++)
            {
                if (!_statements[i].ReturnsRows) continue;
                if (!first && !await reader.NextResultAsync()) throw new InvalidOperationException($"no result set for statement {i}");
                first = false;
                results[i] = await reader.ReadAsync() && !await reader.IsDBNullAsync(0) ? reader.GetValue(0) : null;
            }
        }
        for (var i = 0; i < _statements.Count; i++)
            if (!_statements[i].ReturnsRows) results[i] = batch.BatchCommands[i].RecordsAffected;
        return new Results(results);
    }

    private sealed record Statement(string Sql, (string Name, object? Value)[] Parameters, bool ReturnsRows);

    /// <summary>What the statements of a batch gave, by the place <see cref="Execute"/> returned.</summary>
    public sealed class Results(object?[] values)
    {
        /// <summary>How many rows the statement at <paramref name="place"/> changed.</summary>
        public int RowsChanged(int place) => Convert.ToInt32(values[place], System.Globalization.CultureInfo.InvariantCulture);
    }
}
