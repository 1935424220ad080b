using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Client;
using RunHub.Data;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Client;

/// <summary>A submit whose answer is lost after the server processed it: re-sent only with the same Idempotency-Key, to a server that honours it.</summary>
public sealed class IdempotentRetryTests : IAsyncLifetime
{
    private const string TextToImage = "rhart-image-g-1.5/text-to-image";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_lost_submit_answer_is_resent_with_the_same_key_and_yields_one_task_charged_once()
    {
        var caller = await _server.NewCallerAsync(balance: 10m);
        var loser = new LoseFirstSubmitAnswer(new HttpClientHandler());
        using var client = Clients.For(_server, caller, handler: loser);
        Assert.True(client.ServerHonoursIdempotencyKeys, "a loopback RunHub is assumed to honour keys");

        var task = await client.RunAsync(TextToImage, new { prompt = "sent twice, made once", aspectRatio = "1:1" });

        Assert.True(task.IsSuccess);
        Assert.Equal(2, loser.SubmitKeys.Count);
        Assert.NotNull(loser.SubmitKeys[0]);
        Assert.Equal(loser.SubmitKeys[0], loser.SubmitKeys[1]);
        Assert.Equal(1, TaskCount(caller.AccountId));
        Assert.Equal(9.97m, (await client.GetAccountStatusAsync()).RemainMoney);
    }

    [Fact]
    public async Task A_lost_submit_answer_is_not_resent_to_a_server_that_does_not_honour_keys()
    {
        var caller = await _server.NewCallerAsync(balance: 10m);
        var loser = new LoseFirstSubmitAnswer(new HttpClientHandler());
        using var client = Clients.For(_server, caller, o => o.ServerHonoursIdempotencyKeys = false, loser);

        var error = await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync(TextToImage, new { prompt = "sent once, answer lost", aspectRatio = "1:1" }));

        Assert.Equal(RunHubErrorCodes.Network, error.ErrorCode);
        Assert.True(error.IsRetryable);
        Assert.True(error.OutcomeUnknown);
        Assert.Equal(loser.SubmitKeys.Single(), error.IdempotencyKey);
        Assert.IsType<HttpRequestException>(error.InnerException);
        // The server did create the task: that is why the SDK must not have sent the submit again.
        Assert.Equal(1, TaskCount(caller.AccountId));
    }

    [Fact]
    public async Task A_caller_resending_with_the_key_from_the_error_gets_the_same_task()
    {
        var caller = await _server.NewCallerAsync(balance: 10m);
        var loser = new LoseFirstSubmitAnswer(new HttpClientHandler());
        using var client = Clients.For(_server, caller, o => o.ServerHonoursIdempotencyKeys = false, loser);
        var parameters = new { prompt = "resumed by the caller", aspectRatio = "1:1" };
        var error = await Assert.ThrowsAsync<RunHubException>(() => client.SubmitAsync(TextToImage, parameters));

        var task = await client.SubmitAsync(TextToImage, parameters, error.IdempotencyKey);

        Assert.Equal(1, TaskCount(caller.AccountId));
        Assert.True((await client.WaitAsync(task.TaskId)).IsSuccess);
        Assert.Equal(9.97m, (await client.GetAccountStatusAsync()).RemainMoney);
    }

    [Fact]
    public async Task Reusing_a_key_with_different_parameters_is_refused_with_1007()
    {
        using var client = Clients.For(_server, await _server.NewCallerAsync());
        await client.SubmitAsync(TextToImage, new { prompt = "the first request", aspectRatio = "1:1" }, "my-key-1");

        var error = await Assert.ThrowsAsync<RunHubException>(() =>
            client.SubmitAsync(TextToImage, new { prompt = "another request", aspectRatio = "1:1" }, "my-key-1"));

        Assert.Equal(RunHubErrorCodes.InvalidParameters, error.ErrorCode);
        Assert.Contains("Idempotency-Key", error.ErrorMessage);
    }

    private long TaskCount(string accountId)
    {
        using var db = _server.Services.GetRequiredService<SqliteDatabase>().Open();
        return db.ExecuteScalar<long>("SELECT count(*) FROM tasks WHERE account_id = @accountId", new { accountId });
    }
}
