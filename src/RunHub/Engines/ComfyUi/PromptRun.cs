using RunHub.Client;
using System.Diagnostics;
using System.Security.Cryptography;

namespace RunHub.Engines.ComfyUi;

/// <summary>
/// Runs one filled-in graph on one ComfyUI server: opens <c>/ws</c>, queues the prompt, follows it
/// (<see cref="PromptWatcher"/>) and fetches what its output nodes saved. Whoever gives up on the prompt (the caller,
/// the deadline, a lost server) has it stopped on the server. When an output file is gone — ComfyUI answered the
/// unchanged graph from its cache with the file of an earlier run, since deleted — the prompt runs once more with
/// its output nodes forced to run (<see cref="WorkflowGraph.ForceRun"/>), so ComfyUI saves the file anew.
/// </summary>
internal sealed class PromptRun(ComfyUiServer server, ComfyUiSettings settings, WorkflowGraph graph, IProgress<EngineProgress> progress, ILogger logger)
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The saved files (<see cref="EngineOutput.BackendMilliseconds"/>: ComfyUI's run time of every prompt it took).</summary>
    public async Task<EngineOutput> RunAsync(CancellationToken cancellationToken)
    {
        long milliseconds = 0;
        for (var run = 1; ; run++)
        {
            var (entry, elapsed) = await SubmitAndFollowAsync(cancellationToken);
            milliseconds += elapsed;
            if (!entry.Succeeded) throw ComfyUiFailures.Execution(entry.Failure!);
            try
            {
                return new EngineOutput(await FetchOutputsAsync(entry, cancellationToken)) { BackendMilliseconds = milliseconds };
            }
            catch (OutputGoneException gone) when (run == 1)
            {
                logger.LogInformation("ComfyUI at {Server} answered from its cache with {File}, which is gone; running the prompt again",
                    server.BaseUrl, gone.File.FileName);
                graph.ForceRun(Chosen(entry).Select(o => o.NodeId).Distinct(), Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)));
            }
            catch (OutputGoneException gone)
            {
                throw new EngineException(RunHubErrorCodes.UpstreamError,
                    $"ComfyUI at {server.BaseUrl} finished the prompt twice but has no output file {gone.File.FileName}");
            }
        }
    }

    private async Task<(HistoryEntry Entry, long Milliseconds)> SubmitAndFollowAsync(CancellationToken cancellationToken)
    {
        var clientId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var promptId = Guid.NewGuid().ToString("D");
        await using var socket = await PromptSocket.TryConnectAsync(settings.Server, clientId, server.ApiKey(),
            TimeSpan.FromSeconds(Math.Min(10, settings.RequestTimeout.TotalSeconds)), cancellationToken);
        if (socket is null) logger.LogInformation("No /ws from ComfyUI at {Server}; following the prompt by polling", settings.Server);

        var clock = Stopwatch.StartNew();
        try
        {
            // Inside the try: a submit that timed out or was cancelled may still have queued the prompt.
            promptId = await server.SubmitAsync(graph.ToJson(), clientId, promptId, cancellationToken);
            var watcher = new PromptWatcher(server, settings, graph, promptId, progress);
            var entry = await watcher.WaitAsync(socket, cancellationToken);
            return (entry, entry.RunMilliseconds ?? watcher.RunMilliseconds ?? clock.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is OperationCanceledException || e is EngineException { Retryable: true })
        {
            // Whoever gave up on the prompt (caller, deadline, or a lost server), nobody will read its result.
            await StopQuietlyAsync(promptId);
            throw;
        }
    }

    /// <summary>The files that are the results: those of <c>outputNodes</c> in that order, else every saved output.</summary>
    private List<OutputRef> Chosen(HistoryEntry entry) =>
        settings.OutputNodes.Count > 0
            ? settings.OutputNodes.SelectMany(node => entry.Outputs.Where(o => o.NodeId == node)).ToList()
            : entry.Outputs.Where(o => o.Type == "output").ToList() is { Count: > 0 } saved ? saved : entry.Outputs.ToList();

    private async Task<IReadOnlyList<OutputFile>> FetchOutputsAsync(HistoryEntry entry, CancellationToken cancellationToken)
    {
        var chosen = Chosen(entry);
        if (chosen.Count == 0)
            throw new EngineException(RunHubErrorCodes.GenerationFailed, "the ComfyUI workflow finished without saving a file (it needs a SaveImage-like node, or settings.outputNodes names the wrong nodes)");

        var files = new List<OutputFile>();
        long total = 0;
        foreach (var output in chosen)
        {
            var data = await server.ViewAsync(output, settings.MaxOutputBytes, cancellationToken);
            total += data.Length;
            if (total > settings.MaxTotalOutputBytes)
                throw new EngineException(RunHubErrorCodes.UpstreamError,
                    $"ComfyUI outputs of this task pass the limit of {settings.MaxTotalOutputBytes / (1024 * 1024)} MB (settings.maxTotalOutputMb)");
            files.Add(new OutputFile(output.Extension, data) { NodeId = output.NodeId });
        }
        return files;
    }

    private async Task StopQuietlyAsync(string promptId)
    {
        using var limit = new CancellationTokenSource(StopTimeout);
        try
        {
            await server.StopAsync(promptId, limit.Token);
        }
        catch (Exception e) when (e is EngineException or OperationCanceledException)
        {
            logger.LogInformation("Could not stop prompt {PromptId} on ComfyUI at {Server}: {Reason}", promptId, server.BaseUrl, e.Message);
        }
    }
}
