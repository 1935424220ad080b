namespace RunHub.Maintenance;

/// <summary>
/// Every node's loop: a run of the <see cref="MaintenanceJob"/> every interval, the first one an interval after the
/// start (the lease picks the one node that does the work).
/// </summary>
public sealed class MaintenanceLoop(MaintenanceJob job, TimeProvider clock, ILogger<MaintenanceLoop> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(job.Interval, clock, stoppingToken);
                await job.RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "The maintenance job failed; it runs again in {Seconds} s", job.Interval.TotalSeconds);
            }
        }
    }
}
