using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RunHub.Tests.Engines.OpenAiImages.Support;

/// <summary>Every log line written through it, rendered with its exception, at every level.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    public int Count => _lines.Count;

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _lines);

    public ILogger<T> For<T>() => new Logger<T>(new LoggerFactory([this]));

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
