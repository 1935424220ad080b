using System.Collections.Concurrent;
using System.Diagnostics;
using RunHub.Observability;
using RunHub.Tests.Support;

namespace RunHub.Tests.Observability;

/// <summary>A task's trace runs from the submit request through the worker, the engine and the storage.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task A_tasks_run_continues_the_trace_of_its_submit_with_the_task_id_on_every_span()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is RunHubTelemetry.Name or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var server = await TestServer.StartAsync();
        var caller = await server.NewCallerAsync();

        var submitted = await caller.SubmitAsync("rhart-image-g-1.5/edit", new
        {
            prompt = "a lighthouse at dawn",
            imageUrls = new[] { TestImages.DataUri(TestImages.Png(64, 48)) },
            aspectRatio = "1:1",
        });
        var taskId = (string)submitted["taskId"]!;
        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(taskId))["status"]!);
        await server.StopAsync();

        var mine = spans.Where(s => (string?)s.GetTagItem(RunHubTelemetry.TaskIdAttribute) == taskId).ToList();
        var submit = Assert.Single(mine, s => s.Kind == ActivityKind.Server);
        var run = Assert.Single(mine, s => s.OperationName == "runhub.task.run");
        Assert.Equal(submit.TraceId, run.TraceId);
        Assert.Equal(submit.SpanId, run.ParentSpanId);
        foreach (var step in new[] { "runhub.inputs.fetch", "runhub.engine.run", "runhub.results.store" })
        {
            var span = Assert.Single(mine, s => s.OperationName == step);
            Assert.Equal(run.SpanId, span.ParentSpanId);
        }
        Assert.Equal("sandbox", Assert.Single(mine, s => s.OperationName == "runhub.engine.run").GetTagItem("runhub.engine"));
        Assert.Equal(caller.AccountId, submit.GetTagItem("runhub.account.id"));
    }
}
