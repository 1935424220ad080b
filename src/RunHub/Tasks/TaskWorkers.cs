using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace RunHub.Tasks;

/// <summary>
/// The worker role: <see cref="QueueOptions.Workers"/> + <see cref="QueueOptions.FetchingTasks"/> loops that claim tasks
/// and run them. A loop claims only while it holds one of the <see cref="QueueOptions.Workers"/> engine slots
/// (<see cref="EngineSlots"/>), and gives the slot up while its task fetches inputs, so engines keep running other
/// tasks meanwhile. Idle loops wake on a submit in this process at once, and otherwise poll for tasks of other
/// processes and for lapsed leases.
/// </summary>
public sealed class TaskWorkers(TaskQueue queue, TaskRunner runner, TaskSignal signal, EngineSlots slots, IOptions<RunHubOptions> options,
    ILogger<TaskWorkers> logger) : BackgroundService
{
    /// <summary>This process's name as a lease owner, for the operator (each claim is fenced by its own token).</summary>
    public string Owner { get; } = Environment.MachineName + "-" + Environment.ProcessId + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queueOptions = options.Value.Queue;
        var (engines, fetching) = (Math.Max(1, queueOptions.Workers), Math.Max(0, queueOptions.FetchingTasks));
        var count = engines + fetching;
        logger.LogInformation(
            "Running at most {Engines} tasks at once on engines (RunHub:Queue:Workers) and {Fetching} more fetching their inputs (RunHub:Queue:FetchingTasks), with {Count} worker loops, as {Owner}",
            engines, fetching, count, Owner);
        return Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None)));
    }

    private async Task LoopAsync(CancellationToken stopping)
    {
        var queueOptions = options.Value.Queue;
        var lease = TimeSpan.FromSeconds(queueOptions.LeaseSeconds);
        var poll = TimeSpan.FromMilliseconds(queueOptions.PollMilliseconds);
        using var slot = slots.Open();
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await slot.EnterAsync(stopping);
                var claimed = await queue.ClaimAsync(Owner, lease, stopping);
                if (claimed is null)
                {
                    slot.Leave();
                    await signal.WaitAsync(poll, stopping);
                    continue;
                }
                await runner.RunAsync(claimed, stopping, slot);
                slot.Leave();
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database may be briefly unavailable; a claimed task's lease lapses and it runs again.
                slot.Leave();
                logger.LogError(e, "Task worker error; retrying after the poll interval");
                try { await Task.Delay(poll, stopping); } catch (OperationCanceledException) { return; }
            }
        }
    }
}
