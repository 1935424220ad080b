namespace RunHub.Bench.Load;

/// <summary>
/// What the calls inside one measurement window recorded: every latency, and the errors with a few of their
/// messages. Thread-safe, so open-loop calls that finish on any thread can add to it.
/// </summary>
/// <param name="expected">How many latencies to make room for at once. The open loop knows it (rate × window): a list
/// that grows while it measures copies itself onto the large object heap, and the load generator's own collections
/// then show up as the server's latency.</param>
public sealed class LoadSamples(int expected = 0)
{
    private const int KeptMessages = 5;
    private readonly List<double> _latencies = new(expected);
    private readonly List<string> _errorMessages = [];
    private long _errors;

    public void Add(double milliseconds)
    {
        lock (_latencies) _latencies.Add(milliseconds);
    }

    public void Error(string message)
    {
        lock (_latencies)
        {
            _errors++;
            if (_errorMessages.Count < KeptMessages && !_errorMessages.Contains(message)) _errorMessages.Add(message);
        }
    }

    public long Count { get { lock (_latencies) return _latencies.Count; } }

    public long Errors { get { lock (_latencies) return _errors; } }

    public IReadOnlyList<string> ErrorMessages { get { lock (_latencies) return [.. _errorMessages]; } }

    public LatencySummary Summary() { lock (_latencies) return LatencySummary.Of(_latencies); }

    /// <summary>Successful calls per second of the window.</summary>
    public double Rate(TimeSpan window) => window > TimeSpan.Zero ? Count / window.TotalSeconds : 0;

    /// <summary>One line for an exception a call ended with (a refused connection, a timeout).</summary>
    public static string Describe(Exception e) => $"{e.GetType().Name}: {e.Message}";
}
