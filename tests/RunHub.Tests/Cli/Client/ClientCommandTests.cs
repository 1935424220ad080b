using System.Text.Json;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli.Client;

/// <summary>
/// <c>runhub query</c>, <c>upload</c>, <c>models</c>, <c>balance</c>, and how every client command finds its key
/// and base URL.
/// </summary>
public sealed class ClientCommandTests : IAsyncLifetime
{
    private readonly TempDirectory _files = new();
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _files.Dispose();
    }

    [Fact]
    public async Task Upload_prints_a_download_url_that_serves_the_file()
    {
        var path = Path.Combine(_files.Path, "photo.png");
        var bytes = TestImages.Png(64, 48);
        await File.WriteAllBytesAsync(path, bytes);
        var (code, stdout, stderr) = await ClientCli.For(_server, await _server.NewCallerAsync()).Run("upload", path);

        Assert.True(code == 0, stderr);
        var url = Assert.Single(ClientCli.Lines(stdout));
        Assert.StartsWith(_server.BaseUrl + "/files/openapi/", url);
        Assert.Equal(bytes, await _server.Http.GetByteArrayAsync(url));
    }

    [Fact]
    public async Task Models_search_filters_by_endpoint_or_name_in_tab_separated_lines_without_a_key()
    {
        var cli = new ClientCli(_server.BaseUrl + "/openapi/v2", apiKey: null);
        var (code, stdout, stderr) = await cli.Run("models", "--search", "EDIT");

        Assert.True(code == 0, stderr);
        var line = Assert.Single(ClientCli.Lines(stdout));
        Assert.Equal(["rhart-image-g-1.5/edit", "image", "0.03 CNY/次"], line.Split('\t')[..3]);

        (code, stdout, _) = await cli.Run("models", "--json");
        Assert.Equal(0, code);
        var models = JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(m => m.GetProperty("endpoint").GetString()).ToList();
        Assert.Equal(["rhart-image-g-1.5/edit", "rhart-image-g-1.5/text-to-image"], models);
    }

    [Fact]
    public async Task Balance_shows_the_money_left_with_its_currency_and_the_running_tasks()
    {
        var cli = ClientCli.For(_server, await _server.NewCallerAsync(balance: 12.5m));
        var (code, stdout, stderr) = await cli.Run("balance");
        Assert.True(code == 0, stderr);
        Assert.Contains("remaining  12.50 CNY", stdout);
        Assert.Contains("running    0 tasks queued or running", stdout);

        (code, stdout, _) = await cli.Run("balance", "--json");
        Assert.Equal(0, code);
        var data = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("12.50", data.GetProperty("remainMoney").GetString());
        Assert.Equal("CNY", data.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task The_key_and_base_url_can_come_from_RH_API_KEY_and_RH_API_BASE_URL()
    {
        var caller = await _server.NewCallerAsync(balance: 3m);
        var (code, stdout, stderr) = await ClientCli.RunWithEnvironment(
            new Dictionary<string, string> { ["RH_API_KEY"] = caller.ApiKey, ["RH_API_BASE_URL"] = _server.BaseUrl + "/openapi/v2" },
            "balance");
        Assert.True(code == 0, stderr);
        Assert.Contains("remaining  3.00 CNY", stdout);
    }

    [Fact]
    public async Task A_missing_key_is_a_usage_error_that_names_both_ways_to_give_one()
    {
        var (code, stdout, stderr) = await ClientCli.RunWithEnvironment(
            new Dictionary<string, string> { ["RH_API_BASE_URL"] = _server.BaseUrl + "/openapi/v2" }, "query", "2013508786110730241");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains("--key", stderr);
        Assert.Contains("RH_API_KEY", stderr);
    }

    [Fact]
    public async Task Refusals_print_the_code_and_message_and_exit_1()
    {
        var bad = new ClientCli(_server.BaseUrl + "/openapi/v2", new string('0', 32));
        var (code, stdout, stderr) = await bad.Run("balance");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith("runhub: 1002 ", stderr);
        Assert.DoesNotContain("   at ", stderr);

        (code, _, stderr) = await ClientCli.For(_server, await _server.NewCallerAsync()).Run("query", "2013508786110730241");
        Assert.Equal(1, code);
        Assert.StartsWith("runhub: 1004 ", stderr);
    }
}
