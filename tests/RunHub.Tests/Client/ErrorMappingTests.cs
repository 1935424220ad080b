using RunHub.Client;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Client;

/// <summary>Each refusal and each task failure of the real server surfaces as a RunHubException with its code and retryability.</summary>
public sealed class ErrorMappingTests : IAsyncLifetime
{
    private const string Edit = "rhart-image-g-1.5/edit";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Media:AllowPrivateNetworks"] = "false" });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static object ValidEdit => new { prompt = "turn the sky purple", imageUrls = new[] { TestImages.DataUri(TestImages.Png(32, 32)) }, aspectRatio = "1:1" };

    [Fact]
    public async Task A_bad_key_is_1002_and_not_retryable()
    {
        var caller = await _server.NewCallerAsync();
        using var client = Clients.For(_server, caller, o => o.ApiKey = new string('a', 32));

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync(Edit, ValidEdit));

        Assert.Equal(RunHubErrorCodes.InvalidApiKey, error.ErrorCode);
        Assert.False(error.IsRetryable);
        Assert.False(error.OutcomeUnknown);
        Assert.Null(error.TaskId);
        Assert.StartsWith("unauthorized:", error.ErrorMessage);
    }

    [Fact]
    public async Task A_client_without_a_key_lists_models_and_is_refused_1002_elsewhere()
    {
        using var client = Clients.For(_server, await _server.NewCallerAsync(), o => o.ApiKey = "");

        Assert.Contains(await client.ListModelsAsync(), m => m.Endpoint == Edit);
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync(Edit, ValidEdit));
        Assert.Equal(RunHubErrorCodes.InvalidApiKey, error.ErrorCode);
        Assert.Contains("missing API key", error.ErrorMessage);
    }

    [Fact]
    public async Task An_unknown_endpoint_is_1001_naming_it()
    {
        using var client = Clients.For(_server, await _server.NewCallerAsync());
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync("no-such-model/edit", ValidEdit));
        Assert.Equal(RunHubErrorCodes.UnknownEndpoint, error.ErrorCode);
        Assert.Contains("no-such-model/edit", error.Message);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task Invalid_parameters_are_1007_naming_the_field_and_charge_nothing()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);

        var error = await Assert.ThrowsAsync<RunHubException>(() =>
            client.SubmitAsync(Edit, new { prompt = "abcd", imageUrls = new[] { "https://example.com/a.png" }, aspectRatio = "2:3" }));

        Assert.Equal(RunHubErrorCodes.InvalidParameters, error.ErrorCode);
        Assert.Contains("prompt: length 4 is below the minimum of 5", error.ErrorMessage);
        Assert.False(error.IsRetryable);
        Assert.Equal(1m, (await client.GetAccountStatusAsync()).RemainMoney);
    }

    [Fact]
    public async Task Querying_an_unknown_task_is_1004_with_that_task_id()
    {
        using var client = Clients.For(_server, await _server.NewCallerAsync());
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.QueryAsync("1999999999999999999"));
        Assert.Equal(RunHubErrorCodes.TaskNotFound, error.ErrorCode);
        Assert.Equal("1999999999999999999", error.TaskId);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task A_wallet_too_low_for_the_price_is_812_and_not_retryable()
    {
        using var client = Clients.For(_server, await _server.NewCallerAsync(balance: 0.02m));
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync(Edit, ValidEdit));
        Assert.Equal(RunHubErrorCodes.InsufficientBalance, error.ErrorCode);
        Assert.Contains("balance", error.ErrorMessage);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task An_input_on_a_private_address_fails_the_task_with_1013_and_its_task_id()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        using var client = Clients.For(_server, caller);

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.RunAsync(Edit,
            new { prompt = "this input is refused", imageUrls = new[] { "http://127.0.0.1:9/a.png" }, aspectRatio = "1:1" }));

        Assert.Equal(RunHubErrorCodes.InputNotReadable, error.ErrorCode);
        Assert.Matches("^[0-9]{19}$", error.TaskId);
        Assert.Contains("loopback", error.ErrorMessage);
        Assert.False(error.IsRetryable);
        Assert.Equal(RunHubTaskStatus.Failed, error.TaskState?.Status);
        Assert.Equal("FAILED", error.TaskState?.RawStatus);
        Assert.Equal(1m, (await client.GetAccountStatusAsync()).RemainMoney);
    }

    [Fact]
    public async Task A_failed_task_is_returned_by_query_and_thrown_by_wait()
    {
        using var client = Clients.For(_server, await _server.NewCallerAsync());
        var task = await client.SubmitAsync(Edit, new { prompt = "refused at fetch time", imageUrls = new[] { "http://127.0.0.1:9/b.png" }, aspectRatio = "1:1" });

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.WaitAsync(task.TaskId));
        var queried = await client.QueryAsync(task.TaskId);

        Assert.Equal(RunHubErrorCodes.InputNotReadable, error.ErrorCode);
        Assert.True(queried.IsFailed);
        Assert.Equal(RunHubErrorCodes.InputNotReadable, queried.ErrorCode);
    }

    [Fact]
    public async Task A_generation_failure_is_1015_with_the_task_id_and_is_retryable()
    {
        await using var failing = await TestServer.StartAsync(new Dictionary<string, string?> { ["Engines:Sandbox:FailureRate"] = "1" });
        var caller = await failing.NewCallerAsync(balance: 1m);
        using var client = Clients.For(failing, caller);

        var error = await Assert.ThrowsAsync<RunHubException>(() =>
            client.RunAsync("rhart-image-g-1.5/text-to-image", new { prompt = "always fails here", aspectRatio = "1:1" }));

        Assert.Equal(RunHubErrorCodes.GenerationFailed, error.ErrorCode);
        Assert.NotNull(error.TaskId);
        Assert.True(error.IsRetryable);
        Assert.Equal(1m, (await client.GetAccountStatusAsync()).RemainMoney);
    }
}
