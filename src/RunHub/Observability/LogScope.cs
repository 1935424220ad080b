using System.Collections;

namespace RunHub.Observability;

/// <summary>
/// The ids a log line is about — <c>AccountId</c>, <c>TaskId</c> — as a logging scope (JSON logs write them under
/// <c>Scopes</c>). A request's scope is opened empty by <see cref="Begin"/> before the handler runs and filled as the
/// handler learns the ids (<see cref="Set"/>: the account once its key is checked, the task once it exists), so every
/// later line of the request carries them. Only ids go here: never a key, a secret or a URL.
/// </summary>
public sealed class LogScope : IReadOnlyList<KeyValuePair<string, object?>>
{
    private static readonly AsyncLocal<LogScope?> CurrentScope = new();
    private readonly List<KeyValuePair<string, object?>> _values = [];

    /// <summary>Opens an empty scope for the rest of this async flow (a request, a task's run).</summary>
    public static IDisposable? Begin(ILogger logger, params ReadOnlySpan<(string Key, string Value)> values)
    {
        var scope = new LogScope();
        foreach (var (key, value) in values) scope.Put(key, value);
        CurrentScope.Value = scope;
        return logger.BeginScope(scope);
    }

    /// <summary>Adds or replaces an id in the current scope; nothing when no scope is open.</summary>
    public static void Set(string key, string value) => CurrentScope.Value?.Put(key, value);

    /// <summary>Puts a key's account into the current scope and on the current span; returns it (null: nothing is set).</summary>
    public static string? SetAccount(string? accountId)
    {
        if (accountId is null) return null;
        Set("AccountId", accountId);
        // Only on a span that is recorded: without a listener ASP.NET Core still starts an activity for the logs' ids
        // (all data requested, not recorded), and a tag on it would be allocated for every request and read by no one.
        if (System.Diagnostics.Activity.Current is { Recorded: true } span) span.SetTag("runhub.account.id", accountId);
        return accountId;
    }

    private void Put(string key, string value)
    {
        lock (_values)
        {
            _values.RemoveAll(v => v.Key == key);
            _values.Add(new(key, value));
        }
    }

    private List<KeyValuePair<string, object?>> Copy()
    {
        lock (_values) return [.. _values];
    }

    public KeyValuePair<string, object?> this[int index] => Copy()[index];

    public int Count
    {
        get { lock (_values) return _values.Count; }
    }

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Copy().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", Copy().Select(v => $"{v.Key}:{v.Value}"));
}
