using RunHub.Engines;

namespace RunHub.Tests.Engines.Dispatch;

/// <summary>Which backend a task runs on, and what happens when one fails.</summary>
public sealed class FailoverTests
{
    [Fact]
    public async Task A_retryable_error_fails_over_to_the_next_backend_and_the_task_succeeds_with_one_charge()
    {
        var engine = new ScriptedEngine().Then("http://a", new EngineException("1012", "upstream said 502", retryable: true));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a", "http://b"]);
        var (caller, taskId) = await run.SubmitAsync();

        var done = await caller.WaitAsync(taskId);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Equal(["http://a", "http://b"], engine.Runs);
        Assert.Equal(0.97m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_connection_failure_fails_over_like_a_retryable_error()
    {
        var engine = new ScriptedEngine().Then("http://a", new HttpRequestException("Connection refused (a:80)"));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a", "http://b"]);
        var (caller, taskId) = await run.SubmitAsync();

        var done = await caller.WaitAsync(taskId);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Equal(["http://a", "http://b"], engine.Runs);
    }

    [Fact]
    public async Task A_bare_socket_error_fails_over_like_a_connection_failure_instead_of_failing_the_task_with_1005()
    {
        // SocketsHttpHandler throws this one unwrapped when a server resets a new connection at once.
        var engine = new ScriptedEngine().Then("http://a", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.NotConnected));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a", "http://b"]);
        var (caller, taskId) = await run.SubmitAsync();

        var done = await caller.WaitAsync(taskId);

        Assert.Equal("SUCCESS", (string)done["status"]!);
        Assert.Equal(["http://a", "http://b"], engine.Runs);
    }

    [Fact]
    public async Task A_non_retryable_error_fails_the_task_without_trying_another_backend_and_refunds_it()
    {
        var engine = new ScriptedEngine().Then("http://a", new EngineException("1501", "the prompt was refused by moderation"));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a", "http://b"]);
        var (caller, taskId) = await run.SubmitAsync();

        var done = await caller.WaitAsync(taskId);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1501", (string)done["errorCode"]!);
        Assert.Contains("moderation", (string)done["errorMessage"]!);
        Assert.Equal(["http://a"], engine.Runs);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task Attempts_are_bounded_and_the_error_names_each_backend_tried_with_the_last_code()
    {
        var engine = new ScriptedEngine()
            .Then("http://a", new EngineException("1012", "a broke", retryable: true))
            .Then("http://b", new IOException("b reset the connection"))
            .Then("http://c", new EngineException("1015", "c broke", retryable: true))
            .Then("http://d", new EngineException("1012", "d broke", retryable: true));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a", "http://b", "http://c", "http://d"],
            settings: new Dictionary<string, string?> { ["Engines:MaxAttempts"] = "3" });
        var (caller, taskId) = await run.SubmitAsync();

        var done = await caller.WaitAsync(taskId);

        Assert.Equal("FAILED", (string)done["status"]!);
        Assert.Equal("1015", (string)done["errorCode"]!);
        var message = (string)done["errorMessage"]!;
        Assert.Contains("scripted (http://a)", message);
        Assert.Contains("scripted (http://b)", message);
        Assert.Contains("scripted (http://c)", message);
        Assert.DoesNotContain("http://d", message);
        Assert.Equal(["http://a", "http://b", "http://c"], engine.Runs);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task A_failed_backend_is_left_out_during_its_cool_down_then_probed_and_used_again_once_healthy()
    {
        var engine = new ScriptedEngine().Then("http://a", new HttpRequestException("Connection refused"));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a", "http://b"],
            settings: new Dictionary<string, string?> { ["Engines:CooldownSeconds"] = "600" });

        var (caller, first) = await run.SubmitAsync();
        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(first))["status"]!);
        var (_, second) = await run.SubmitAsync(caller);
        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(second))["status"]!);
        Assert.Equal(["http://a", "http://b", "http://b"], engine.Runs);
        Assert.Empty(engine.Probes);

        // Past the cool-down, a backend that still fails its probe stays out.
        run.Time.Advance(TimeSpan.FromSeconds(601));
        engine.SetHealthy("http://a", false);
        var (_, third) = await run.SubmitAsync(caller);
        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(third))["status"]!);
        Assert.Equal(["http://a"], engine.Probes);
        Assert.Equal("http://b", engine.Runs.Last());

        // Once it answers its probe, it is back, first in catalog order.
        run.Time.Advance(TimeSpan.FromSeconds(601));
        engine.SetHealthy("http://a", true);
        var (_, fourth) = await run.SubmitAsync(caller);
        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(fourth))["status"]!);
        Assert.Equal(["http://a", "http://a"], engine.Probes);
        Assert.Equal("http://a", engine.Runs.Last());
    }

    [Fact]
    public async Task A_lone_backend_that_failed_once_is_probed_during_its_cool_down_and_used_once_it_answers()
    {
        var engine = new ScriptedEngine().Then("http://a", new HttpRequestException("Connection refused"));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"],
            settings: new Dictionary<string, string?> { ["Engines:CooldownSeconds"] = "600" });
        var (caller, first) = await run.SubmitAsync();
        Assert.Equal("1012", (string)(await caller.WaitAsync(first))["errorCode"]!);

        var (_, second) = await run.SubmitAsync(caller);

        Assert.Equal("SUCCESS", (string)(await caller.WaitAsync(second))["status"]!);
        Assert.Equal(["http://a"], engine.Probes);
        Assert.Equal(["http://a", "http://a"], engine.Runs);
    }

    [Fact]
    public async Task A_model_whose_backends_are_all_out_and_fail_their_probes_fails_with_1010_naming_them()
    {
        var engine = new ScriptedEngine().Then("http://a", new HttpRequestException("Connection refused"));
        await using var run = await DispatchServer.StartAsync(engine, ["http://a"],
            settings: new Dictionary<string, string?> { ["Engines:CooldownSeconds"] = "600" });
        var (caller, first) = await run.SubmitAsync();
        Assert.Equal("1012", (string)(await caller.WaitAsync(first))["errorCode"]!);
        engine.SetHealthy("http://a", false);

        var (_, second) = await run.SubmitAsync(caller);
        var done = await caller.WaitAsync(second);

        Assert.Equal("1010", (string)done["errorCode"]!);
        Assert.Contains("scripted (http://a): out of service (health probe failed)", (string)done["errorMessage"]!);
        Assert.Single(engine.Runs);
    }

    [Fact]
    public async Task Backend_urls_in_messages_carry_no_user_info_or_query()
    {
        var engine = new ScriptedEngine().Then("http://user:hunter2@a:8188/x?token=s3cret", new EngineException("1012", "down", retryable: true));
        await using var run = await DispatchServer.StartAsync(engine, ["http://user:hunter2@a:8188/x?token=s3cret"],
            settings: new Dictionary<string, string?> { ["Engines:MaxAttempts"] = "1" });
        var (caller, taskId) = await run.SubmitAsync();

        var message = (string)(await caller.WaitAsync(taskId))["errorMessage"]!;

        Assert.Contains("scripted (http://a:8188/x)", message);
        Assert.DoesNotContain("hunter2", message);
        Assert.DoesNotContain("s3cret", message);
    }
}
