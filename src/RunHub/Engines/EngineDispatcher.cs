using RunHub.Client;
using Microsoft.Extensions.Options;
using RunHub.Api;
using RunHub.Catalog;
using RunHub.Observability;

namespace RunHub.Engines;

/// <summary>
/// Runs one attempt of a task on the model's backends: picks the best one (in service, fewest tasks in flight on
/// this node, then catalog order), fails over to the next on a retryable error (an <see cref="EngineException"/>
/// marked retryable, or a connection failure), and gives up after <see cref="EnginesOptions.MaxAttempts"/>
/// failures with the last error's code and a message naming each backend tried. A backend that failed so is out
/// for <see cref="EnginesOptions.CooldownSeconds"/>, then must pass <see cref="IEngine.IsHealthyAsync"/> to come
/// back. When the backends that answered were only busy, <see cref="BackendsBusyException"/> says when to retry.
/// </summary>
public sealed class EngineDispatcher(EngineRegistry engines, BackendPool pool, IOptions<RunHubOptions> options, ILogger<EngineDispatcher> logger)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(10);

    private sealed record Candidate(EngineBinding Backend, int Position, IEngine Engine, string Label);

    public async Task<EngineOutput> RunAsync(EngineJob job, CancellationToken cancellationToken)
    {
        var model = job.Model;
        var candidates = model.Engines
            .Select((backend, i) => (backend, i, engine: engines.Find(backend.Name)))
            .Where(c => c.engine is not null)
            .Select(c => new Candidate(c.backend, c.i, c.engine!, BackendLabel.Of(c.backend, c.i)))
            .ToList();
        if (candidates.Count == 0)
            throw new EngineException(RunHubErrorCodes.ServiceUnavailable, $"no engine on this server can serve {model.Endpoint}");

        var settings = options.Value.Engines;
        var maxAttempts = Math.Max(1, settings.MaxAttempts);
        var cooldown = TimeSpan.FromSeconds(Math.Max(0, settings.CooldownSeconds));
        var asked = new HashSet<int>();
        var report = new List<string>();
        EngineException? last = null;
        TimeSpan? busyFor = null;
        var failures = 0;
        while (failures < maxAttempts)
        {
            var pick = await PickAsync(candidates, asked, report, cooldown, cancellationToken);
            if (pick is null) break;
            asked.Add(pick.Position);
            var state = pool.StateOf(pick.Backend, pick.Label);
            using var span = TaskTracing.StartBackend(job.TaskId, pick.Backend.Name, pick.Label);
            var outcome = "failure";
            try
            {
                EngineOutput output;
                using (state.Enter())
                    output = await pick.Engine.RunAsync(job with { Backend = pick.Backend }, cancellationToken);
                outcome = "success";
                return output;
            }
            catch (EngineException e) when (e.RetryAfter is { } wait)
            {
                outcome = "busy";
                busyFor = busyFor is null || wait < busyFor ? wait : busyFor;
                report.Add($"{pick.Label}: busy");
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && AsRetryable(e) is { } error)
            {
                failures++;
                last = error;
                outcome = "failure";
                span.Failed(error.ErrorCode);
                state.TakeOut(cooldown);
                report.Add($"{pick.Label}: {error.ErrorCode} {Cap(error.Message)}");
                logger.LogWarning("Task {TaskId}: backend {Backend} failed ({Code}: {Message}); it is out for {Cooldown} s",
                    job.TaskId, pick.Label, error.ErrorCode, error.Message, cooldown.TotalSeconds);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = "failure";
                // Not our deadline or cancel: the engine gave up waiting on its own, and the backend may have done (and
                // billed) the work, so it is not tried again elsewhere.
                throw new EngineException(RunHubErrorCodes.UpstreamError, $"{pick.Label}: the backend stopped answering");
            }
            finally
            {
                BackendMetrics.RecordRun(pick.Backend.Name, pick.Label, cancellationToken.IsCancellationRequested ? "cancelled" : outcome);
            }
        }

        // Busy backends will have room later, and this run still had attempts left: the task waits in the queue.
        if (busyFor is { } retryAfter && failures < maxAttempts)
            throw new BackendsBusyException(retryAfter, $"{model.Endpoint}: every available backend is busy: {string.Join("; ", report)}");
        if (last is not null)
            throw new EngineException(last.ErrorCode,
                $"{model.Endpoint} failed on {report.Count} backend{(report.Count == 1 ? "" : "s")}: {string.Join("; ", report)}")
            { NodeErrors = last.NodeErrors, ValidationError = last.ValidationError, Failure = last.Failure };
        throw new EngineException(RunHubErrorCodes.ServiceUnavailable,
            $"no backend of {model.Endpoint} is in service right now: {string.Join("; ", report)}");
    }

    /// <summary>
    /// The next backend to ask: the fewest tasks in flight here, then catalog order, skipping backends still cooling
    /// down. A backend whose cool-down has passed is probed when its turn comes and used if it answers. When no
    /// backend is left in service, those still cooling down are probed too rather than skipped: a lone server that
    /// failed once would otherwise refuse every task for the whole cool-down, even once it answers again.
    /// </summary>
    private async Task<Candidate?> PickAsync(List<Candidate> candidates, HashSet<int> asked, List<string> report, TimeSpan cooldown,
        CancellationToken cancellationToken)
    {
        var order = candidates
            .Where(c => !asked.Contains(c.Position))
            .Select(c => (candidate: c, state: pool.StateOf(c.Backend)))
            .OrderBy(c => c.state.IsCooling ? 1 : 0)
            .ThenBy(c => c.state.InFlight)
            .ThenBy(c => c.candidate.Position)
            .ToList();
        foreach (var (candidate, state) in order)
        {
            if (!state.IsOut) return candidate;
            if (state.IsCooling) continue;
            if (await TryBringBackAsync(candidate, state, asked, report, cooldown, cancellationToken)) return candidate;
        }
        foreach (var (candidate, state) in order.Where(c => c.state.IsCooling && !asked.Contains(c.candidate.Position)))
            if (await TryBringBackAsync(candidate, state, asked, report, cooldown, cancellationToken)) return candidate;
        return null;
    }

    /// <summary>Probes a backend that is out; puts it back when it answers, else starts another cool-down.</summary>
    private async Task<bool> TryBringBackAsync(Candidate candidate, BackendState state, HashSet<int> asked, List<string> report,
        TimeSpan cooldown, CancellationToken cancellationToken)
    {
        if (await ProbeAsync(candidate, cancellationToken))
        {
            state.PutBack();
            logger.LogInformation("Backend {Backend} answers its health probe again; back in service", candidate.Label);
            return true;
        }
        asked.Add(candidate.Position);
        state.TakeOut(cooldown);
        report.Add($"{candidate.Label}: out of service (health probe failed)");
        return false;
    }

    private async Task<bool> ProbeAsync(Candidate candidate, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            return await candidate.Engine.IsHealthyAsync(candidate.Backend, timeout.Token);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogDebug(e, "Health probe of {Backend} failed", candidate.Label);
            return false;
        }
    }

    /// <summary>The failure as a retryable engine error, or null when another backend should not be tried.</summary>
    private static EngineException? AsRetryable(Exception e) => e switch
    {
        EngineException { Retryable: true } engine => engine,
        // A SocketException too: an HttpClient the engine did not build on SocketErrorWrappingHandler may throw one bare.
        HttpRequestException or IOException or System.Net.Sockets.SocketException => new EngineException(RunHubErrorCodes.UpstreamError, $"could not reach the backend: {e.Message}", retryable: true),
        // HttpClient's own timeout: the server did not answer at all.
        OperationCanceledException { InnerException: TimeoutException } => new EngineException(RunHubErrorCodes.UpstreamError, "the backend did not answer in time", retryable: true),
        _ => null,
    };

    private static string Cap(string text) => text.Length <= 300 ? text : text[..300] + "…";
}
