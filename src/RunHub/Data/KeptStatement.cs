using System.Buffers;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace RunHub.Data;

/// <summary>
/// One SQL statement compiled once on a connection that stays open (<see cref="CompiledStatements.KeepCompiled"/>),
/// bound and stepped through SQLite's C API (SQLitePCLRaw) on every run. Microsoft.Data.Sqlite, for each execution of
/// even a prepared command, makes a binder object per parameter, a UTF-8 copy of each text and a data reader with its
/// enumerator: on the group commit's writer that was about a fifth of the bytes a submit allocated (docs/performance.md).
/// Values are bound exactly as Microsoft.Data.Sqlite binds them: text as UTF-8 (unpaired surrogates replaced, as
/// <see cref="Encoding.UTF8"/> does), <see cref="long"/>, <see cref="int"/>, <see cref="short"/>, <see cref="byte"/>
/// and <see cref="bool"/> as INTEGER, <see cref="double"/> as REAL, a byte array as a BLOB (an empty one as a
/// zero-length BLOB), null and <see cref="DBNull"/> as NULL; a value of any other type is left to the driver
/// (<see cref="Binds"/>). Errors are raised as Microsoft.Data.Sqlite raises them (<see cref="SqliteException"/> with
/// SQLite's code and message). Not thread-safe: one caller at a time, as a connection is.
/// </summary>
internal sealed class KeptStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;
    private readonly string[] _names;
    private readonly int[] _indexes;
    private readonly byte[] _text = new byte[256];

    private KeptStatement(sqlite3 db, sqlite3_stmt statement, string[] names, int[] indexes)
    {
        _db = db;
        _statement = statement;
        _names = names;
        _indexes = indexes;
    }

    /// <summary>Whether a value of this type is bound here (else the call goes through the driver).</summary>
    public static bool Binds(object? value) =>
        value is null or DBNull or string or long or int or short or byte or bool or double or byte[];

    /// <summary>
    /// Compiles <paramref name="sql"/> with the names of <paramref name="parameters"/> (without the <c>@</c>). Null when
    /// the text holds more than one statement (such a text runs through the driver).
    /// </summary>
    /// <exception cref="SqliteException">The SQL does not compile.</exception>
    /// <exception cref="InvalidOperationException">The SQL names a parameter that is not given.</exception>
    public static KeptStatement? Prepare(sqlite3 db, string sql, ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        var rc = raw.sqlite3_prepare_v2(db, sql, out var statement, out var tail);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, db);
        }
        if (!string.IsNullOrWhiteSpace(tail) || statement is null || statement.IsInvalid)
        {
            statement?.Dispose();
            return null;
        }
        var names = new string[parameters.Length];
        var indexes = new int[parameters.Length];
        for (var i = 0; i < parameters.Length; i++)
        {
            names[i] = parameters[i].Name;
            // 0: a name the statement does not use, ignored as the driver ignores it.
            indexes[i] = raw.sqlite3_bind_parameter_index(statement, "@" + parameters[i].Name);
        }
        for (var index = 1; index <= raw.sqlite3_bind_parameter_count(statement); index++)
        {
            if (Array.IndexOf(indexes, index) >= 0) continue;
            var name = raw.sqlite3_bind_parameter_name(statement, index).utf8_to_string();
            statement.Dispose();
            throw new InvalidOperationException($"Must add values for the following parameters: {name}");
        }
        return new KeptStatement(db, statement, names, indexes);
    }

    /// <summary>Runs the statement to its end; the rows it changed as Microsoft.Data.Sqlite counts them (SQLite's count of the last change, -1 for a query).</summary>
    public int Execute(ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        Bind(parameters);
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(_statement)) == raw.SQLITE_ROW) { }
            if (rc != raw.SQLITE_DONE) SqliteException.ThrowExceptionForRC(rc, _db);
            // As the driver counts: a query's is -1; any other statement gives SQLite's count of the last change (0 or
            // the statement's own for a write; for a savepoint, whatever the write before it changed, never read).
            return raw.sqlite3_column_count(_statement) > 0 && raw.sqlite3_stmt_readonly(_statement) != 0 ? -1 : raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    /// <summary>Runs the statement; the first column of its first row (long, double, string or byte[]), or null when it has no row or the value is NULL.</summary>
    public object? Scalar(ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        Bind(parameters);
        try
        {
            var rc = raw.sqlite3_step(_statement);
            if (rc == raw.SQLITE_DONE) return null;
            if (rc != raw.SQLITE_ROW) SqliteException.ThrowExceptionForRC(rc, _db);
            return raw.sqlite3_column_type(_statement, 0) switch
            {
                raw.SQLITE_INTEGER => raw.sqlite3_column_int64(_statement, 0),
                raw.SQLITE_FLOAT => raw.sqlite3_column_double(_statement, 0),
                raw.SQLITE_TEXT => raw.sqlite3_column_text(_statement, 0).utf8_to_string(),
                raw.SQLITE_BLOB => raw.sqlite3_column_blob(_statement, 0).ToArray(),
                _ => null,
            };
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private void Bind(ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (parameters.Length != _names.Length)
            throw new InvalidOperationException($"The statement was compiled with {_names.Length} parameters, not {parameters.Length}.");
        for (var i = 0; i < parameters.Length; i++)
        {
            if (!string.Equals(parameters[i].Name, _names[i], StringComparison.Ordinal))
                throw new InvalidOperationException($"The statement was compiled with other parameters than @{parameters[i].Name} at {i}.");
            var index = _indexes[i];
            if (index == 0) continue;
            var rc = parameters[i].Value switch
            {
                null or DBNull => raw.sqlite3_bind_null(_statement, index),
                string text => BindText(index, text),
                long number => raw.sqlite3_bind_int64(_statement, index, number),
                int number => raw.sqlite3_bind_int64(_statement, index, number),
                short number => raw.sqlite3_bind_int64(_statement, index, number),
                byte number => raw.sqlite3_bind_int64(_statement, index, number),
                bool flag => raw.sqlite3_bind_int64(_statement, index, flag ? 1 : 0),
                double real => raw.sqlite3_bind_double(_statement, index, real),
                byte[] { Length: 0 } => raw.sqlite3_bind_zeroblob(_statement, index, 0),
                byte[] blob => raw.sqlite3_bind_blob(_statement, index, blob),
                var other => throw new NotSupportedException($"cannot bind a {other.GetType().Name}"),
            };
            if (rc != raw.SQLITE_OK) SqliteException.ThrowExceptionForRC(rc, _db);
        }
    }

    /// <summary>Binds <paramref name="text"/> as UTF-8 from a buffer this statement reuses (SQLite copies it).</summary>
    private int BindText(int index, string text)
    {
        // An empty span would be bound as a null pointer, which SQLite takes for NULL: '' goes as a terminated string.
        if (text.Length == 0) return raw.sqlite3_bind_text(_statement, index, text);
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (length > _text.Length)
        {
            // A large text (a task's parameters) is encoded into a rented buffer rather than kept.
            var rented = ArrayPool<byte>.Shared.Rent(length);
            try
            {
                var written = Encoding.UTF8.GetBytes(text, rented);
                return raw.sqlite3_bind_text(_statement, index, rented.AsSpan(0, written));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
        return raw.sqlite3_bind_text(_statement, index, _text.AsSpan(0, Encoding.UTF8.GetBytes(text, _text)));
    }

    public void Dispose() => _statement.Dispose();
}
