using System.Collections.Concurrent;
using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace RunHub.Data;

/// <summary>
/// Keeps the reads that run on every request (a task by id, a key check, an idle worker's look for work) compiled.
/// Microsoft.Data.Sqlite keeps a statement compiled only as long as its command lives on an open connection, and a
/// pooled open hands out a fresh command every time, so each query used to parse and plan its SQL again — a fifth
/// of the server's CPU under a query load. Here a few connections stay open, each with its commands prepared once,
/// and are lent to one caller at a time. An open connection with no statement running holds no lock, so writers,
/// checkpoints and other processes are not held up; SQLite recompiles a statement by itself if the schema changes.
/// </summary>
internal sealed class SqliteHotReads(Func<SqliteConnection> open) : IDisposable
{
    /// <summary>More idle readers than this are closed rather than kept: enough for the server's concurrency on a few cores.</summary>
    private const int MaxIdle = 16;

    private readonly ConcurrentBag<Reader> _idle = [];
    private bool _disposed;

    public T? ReadFirst<T>(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = _idle.TryTake(out var idle) ? idle : new Reader(open());
        T? result;
        try
        {
            result = reader.ReadFirst<T>(sql, parameters);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
        if (_disposed || _idle.Count >= MaxIdle) reader.Dispose();
        else _idle.Add(reader);
        return result;
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var reader)) reader.Dispose();
    }

    /// <summary>One open connection and the statements compiled on it, used by one caller at a time.</summary>
    private sealed class Reader(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, (SqliteCommand Command, Delegate? Parser)> _statements = new(StringComparer.Ordinal);

        public T? ReadFirst<T>(string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
        {
            if (!_statements.TryGetValue(sql, out var statement))
            {
                var command = connection.CreateCommand();
                command.CommandText = sql;
                foreach (var (name, _) in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = "@" + name });
                command.Prepare();
                statement = (command, null);
            }
            // By position: the statement's parameters were added in this order (a lookup by name built "@name" every call).
            for (var i = 0; i < parameters.Length; i++)
            {
                var parameter = statement.Command.Parameters[i];
                if (parameters.Length != statement.Command.Parameters.Count || !parameter.ParameterName.AsSpan(1).SequenceEqual(parameters[i].Name))
                    throw new InvalidOperationException($"The statement was prepared with other parameters than @{parameters[i].Name} at {i}: {sql}");
                parameter.Value = parameters[i].Value ?? DBNull.Value;
            }
            T? result;
            using (var rows = statement.Command.ExecuteReader())
            {
                if (!rows.Read()) result = default;
                // A single value (an id, a key's account): Dapper's row mapper is for objects.
                else if (IsScalar<T>()) result = rows.IsDBNull(0) ? default : rows.GetFieldValue<T>(0);
                else
                {
                    // The columns of a statement never change, so Dapper's row mapper is made once per statement.
                    var parser = statement.Parser as Func<DbDataReader, T> ?? rows.GetRowParser<T>();
                    statement.Parser = parser;
                    result = parser(rows);
                }
            }
            _statements[sql] = statement;
            return result;
        }

        private static bool IsScalar<T>() => typeof(T) == typeof(string) || typeof(T).IsPrimitive;

        public void Dispose()
        {
            foreach (var (command, _) in _statements.Values) command.Dispose();
            connection.Dispose();
        }
    }
}
