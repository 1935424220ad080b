using Microsoft.Extensions.DependencyInjection;
using RunHub.Client;
using RunHub.Tests.Client.Support;
using RunHub.Tests.Support;

namespace RunHub.Tests.Client;

/// <summary>Building a client: from options, from RH_API_KEY/RH_API_BASE_URL, through DI; the URLs it derives.</summary>
public sealed class ConstructionTests
{
    private const string Key = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void The_environment_gives_the_key_and_base_url_under_RunningHubs_own_names()
    {
        var variables = new Dictionary<string, string> { ["RH_API_KEY"] = Key, ["RH_API_BASE_URL"] = "http://127.0.0.1:5080/openapi/v2/" };
        using var client = RunHubClient.FromEnvironment(variables.GetValueOrDefault);
        Assert.Equal("http://127.0.0.1:5080/openapi/v2", client.BaseUrl);
    }

    [Fact]
    public void Without_RH_API_BASE_URL_no_client_is_made_and_the_message_names_the_variable()
    {
        // Issue 10 item 8: this used to pick RunningHub's public site and would have sent the key and files there.
        var error = Assert.Throws<InvalidOperationException>(() => RunHubClient.FromEnvironment(name => name == "RH_API_KEY" ? Key : null));

        Assert.Contains("RH_API_BASE_URL", error.Message);
        Assert.Contains(RunHubClientOptions.LocalRunHubBaseUrl, error.Message);
        Assert.DoesNotContain("RH_API_KEY", error.Message);
    }

    [Fact]
    public void Options_without_a_base_url_make_no_client_and_say_how_to_name_one()
    {
        var error = Assert.Throws<ArgumentException>(() => new RunHubClient(new RunHubClientOptions { ApiKey = Key }));

        Assert.Contains("BaseUrl", error.Message);
        Assert.Contains("RH_API_BASE_URL", error.Message);
    }

    [Fact]
    public async Task AddRunHubClient_without_a_base_url_fails_when_the_client_is_made()
    {
        var services = new ServiceCollection();
        services.AddRunHubClient(o => o.ApiKey = Key);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<RunHubClient>());

        Assert.Contains("RH_API_BASE_URL", error.Message);
    }

    [Fact]
    public void Without_RH_API_KEY_construction_fails_naming_the_variable()
    {
        var error = Assert.Throws<InvalidOperationException>(() => RunHubClient.FromEnvironment(_ => null));
        Assert.Contains("RH_API_KEY", error.Message);
        Assert.Contains("RH_API_BASE_URL", error.Message);
    }

    [Theory]
    [InlineData("https://www.runninghub.cn/openapi/v2", false)]
    [InlineData("https://runninghub.ai/openapi/v2", false)]
    [InlineData("https://api.eu.RunningHub.ai/openapi/v2", false)]
    [InlineData("https://notrunninghub.cn/openapi/v2", true)]
    [InlineData("https://runninghub.cn.example.com/openapi/v2", true)]
    [InlineData("http://127.0.0.1:5080/openapi/v2", true)]
    public void Idempotency_keys_are_relied_on_everywhere_but_RunningHub_and_its_subdomains(string baseUrl, bool honoured)
    {
        using var client = new RunHubClient(new RunHubClientOptions { ApiKey = Key, BaseUrl = baseUrl });
        Assert.Equal(honoured, client.ServerHonoursIdempotencyKeys);
        using var configured = new RunHubClient(new RunHubClientOptions { ApiKey = Key, BaseUrl = baseUrl, ServerHonoursIdempotencyKeys = !honoured });
        Assert.Equal(!honoured, configured.ServerHonoursIdempotencyKeys);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5080", "http://127.0.0.1:5080/openapi/v2", "http://127.0.0.1:5080/uc/openapi/accountStatus")]
    [InlineData("https://www.runninghub.cn/openapi/v2", "https://www.runninghub.cn/openapi/v2", "https://www.runninghub.cn/uc/openapi/accountStatus")]
    [InlineData("https://gw.example/runhub/openapi/v2/", "https://gw.example/runhub/openapi/v2", "https://gw.example/runhub/uc/openapi/accountStatus")]
    public async Task The_api_base_and_the_account_status_url_derive_from_the_base_url(string baseUrl, string api, string accountStatus)
    {
        var server = new FakeServer().Json("""{"code": 0, "msg": "success", "data": {"remainMoney": "1"}}""");
        using var client = Clients.For(server, baseUrl: baseUrl);
        Assert.Equal(api, client.BaseUrl);
        await client.GetAccountStatusAsync();
        Assert.Equal(accountStatus, server.Requests.Single().Uri.ToString());
        Assert.Equal("Bearer " + Key, server.Requests.Single().Authorization);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ftp://example.com/openapi/v2")]
    [InlineData("openapi/v2")]
    public void A_base_url_that_is_not_absolute_http_is_refused(string baseUrl) =>
        Assert.Throws<ArgumentException>(() => new RunHubClient(new RunHubClientOptions { ApiKey = Key, BaseUrl = baseUrl }));


    [Fact]
    public void Options_changed_after_construction_do_not_change_the_client()
    {
        var options = new RunHubClientOptions { ApiKey = Key, BaseUrl = "http://127.0.0.1:1/openapi/v2" };
        using var client = new RunHubClient(options);
        options.BaseUrl = "http://127.0.0.1:2/openapi/v2";
        Assert.Equal("http://127.0.0.1:1/openapi/v2", client.BaseUrl);
    }

    [Fact]
    public async Task AddRunHubClient_registers_a_typed_client_that_works_against_the_server()
    {
        await using var server = await TestServer.StartAsync();
        var caller = await server.NewCallerAsync(balance: 3m);
        var services = new ServiceCollection();
        services.AddRunHubClient(o =>
        {
            o.ApiKey = caller.ApiKey;
            o.BaseUrl = server.BaseUrl + "/openapi/v2";
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<RunHubClient>();

        Assert.Equal(server.BaseUrl + "/openapi/v2", client.BaseUrl);
        Assert.Equal(3m, (await client.GetAccountStatusAsync()).RemainMoney);
        var task = await client.RunAsync("rhart-image-g-1.5/text-to-image", new { prompt = "made through DI", aspectRatio = "1:1" });
        Assert.True(task.IsSuccess);
    }

    [Fact]
    public async Task AddRunHubClient_returns_the_http_client_builder_so_handlers_can_be_added()
    {
        var fake = new FakeServer().Json("""{"code": 0, "msg": "success", "data": {"remainMoney": "4.5"}}""");
        var services = new ServiceCollection();
        services.AddRunHubClient(o => { o.ApiKey = Key; o.BaseUrl = "http://runhub.test/openapi/v2"; })
            .ConfigurePrimaryHttpMessageHandler(() => fake);
        await using var provider = services.BuildServiceProvider();

        var status = await provider.GetRequiredService<RunHubClient>().GetAccountStatusAsync();

        Assert.Equal(4.5m, status.RemainMoney);
        Assert.Equal("http://runhub.test/uc/openapi/accountStatus", fake.Requests.Single().Uri.ToString());
    }
}
