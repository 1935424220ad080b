using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;

namespace RunHub.Bench.Load;

/// <summary>One pause of a process for a collection: when its runtime began suspending threads (UTC) and how long
/// until they ran again, in ms, with the collection's generation (0–2; -1 when the start event was not seen).</summary>
public sealed record GcPause(DateTime StartUtc, double Ms, int Generation);

/// <summary>
/// A process's collection pauses as they happen, read from its runtime's GC events over EventPipe (the diagnostics IPC
/// channel <c>dotnet-trace</c> uses): a pause runs from <c>GCSuspendEEBegin</c> to <c>GCRestartEEEnd</c>. The open loop
/// sets them beside its late answers, to tell which bursts of late answers a collection of the server's explains.
/// Dispose stops the session; <see cref="Pauses"/> is complete after that.
/// </summary>
public sealed class ServerGcPauses : IDisposable
{
    private readonly EventPipeSession _session;
    private readonly Thread _reader;
    private readonly List<GcPause> _pauses = [];
    private bool _stopped;

    private ServerGcPauses(EventPipeSession session)
    {
        _session = session;
        _reader = new Thread(Read) { IsBackground = true, Name = "server GC events" };
        _reader.Start();
    }

    /// <summary>
    /// Starts listening to <paramref name="pid"/>'s GC events (keyword GC, informational: a few events per collection),
    /// or returns null with why when the process cannot be reached (diagnostics disabled, exited).
    /// </summary>
    public static ServerGcPauses? TryStart(int pid, out string? why)
    {
        try
        {
            var provider = new EventPipeProvider(ClrTraceEventParser.ProviderName, EventLevel.Informational, (long)ClrTraceEventParser.Keywords.GC);
            var session = new DiagnosticsClient(pid).StartEventPipeSession([provider], requestRundown: false, circularBufferMB: 16);
            why = null;
            return new ServerGcPauses(session);
        }
        catch (Exception e) when (e is ServerNotAvailableException or DiagnosticsClientException or UnauthorizedAccessException or IOException or TimeoutException)
        {
            why = $"{e.GetType().Name}: {e.Message}";
            return null;
        }
    }

    /// <summary>The pauses seen so far, in the order they began.</summary>
    public IReadOnlyList<GcPause> Pauses
    {
        get
        {
            lock (_pauses) return [.. _pauses];
        }
    }

    private void Read()
    {
        using var source = new EventPipeEventSource(_session.EventStream);
        DateTime? suspended = null;
        var generation = -1;
        source.Clr.GCSuspendEEStart += e =>
        {
            suspended = e.TimeStamp.ToUniversalTime();
            generation = -1;
        };
        source.Clr.GCStart += e => generation = e.Depth;
        source.Clr.GCRestartEEStop += e =>
        {
            if (suspended is not { } start) return;
            var pause = new GcPause(start, (e.TimeStamp.ToUniversalTime() - start).TotalMilliseconds, generation);
            lock (_pauses) _pauses.Add(pause);
            suspended = null;
        };
        try
        {
            source.Process();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or EndOfStreamException)
        {
            // The process exited or the session was stopped mid-event: what was read stands.
        }
    }

    /// <summary>Stops the session and waits (at most 5 s) for the events already sent to be read. A second call does nothing.</summary>
    public void Dispose()
    {
        if (_stopped) return;
        _stopped = true;
        try
        {
            _session.Stop();
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException)
        {
            // The process has gone; its stream ends by itself.
        }
        _reader.Join(TimeSpan.FromSeconds(5));
        _session.Dispose();
    }
}
