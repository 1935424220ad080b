using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace RunHub.Tests.Support;

/// <summary>
/// Keeps every log entry a test server writes at <see cref="LogLevel.Debug"/> and above (the server's own filter
/// still applies), so a test can assert what was logged: no exception, or a named field at debug level.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    public sealed record Entry(string Category, LogLevel Level, string Message, Exception? Exception);

    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> Entries => [.. _entries];

    /// <summary>Entries that carry an exception or are errors: what an operator would read as "something broke".</summary>
    public IReadOnlyList<Entry> Failures => [.. _entries.Where(e => e.Exception is not null || e.Level >= LogLevel.Error)];

    /// <summary>Adds this capture to a test server's services (pass as <c>configureServices</c>).</summary>
    public void AddTo(IServiceCollection services) => services.AddSingleton<ILoggerProvider>(this);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), exception));
    }
}
