using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Api;

/// <summary>
/// Issue 11 item 2. Before: a submit with an inline <c>data:</c> input larger than the parameter's <c>maxSize</c> was
/// accepted, stored whole in the tasks table, then failed and refunded, so the database grew for free.
/// </summary>
public sealed class InlineInputTests : IAsyncLifetime
{
    private const string Edit = "rhart-image-g-1.5/edit";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private string InputsFolder => Path.Combine(_server.DataDir, "files", "inputs");

    private int StoredInputs => Directory.Exists(InputsFolder) ? Directory.GetFiles(InputsFolder).Length : 0;

    [Fact]
    public async Task An_inline_input_one_byte_over_maxSize_is_refused_naming_the_bytes_not_two_equal_megabytes()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var oversized = new byte[10 * 1024 * 1024 + 1];
        TestImages.Png(4, 4).CopyTo(oversized, 0);

        var answer = await caller.SubmitAsync(Edit, new { prompt = "one byte too big", imageUrls = new[] { TestImages.DataUri(oversized) }, aspectRatio = "1:1" });

        Assert.Equal("1008", (string)answer["errorCode"]!);
        Assert.Contains("imageUrls[0]: the inline file is 10,485,761 bytes, more than the 10,485,760 bytes (10 MB) this parameter takes",
            (string)answer["errorMessage"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
    }

    [Fact]
    public async Task An_inline_input_larger_than_maxSize_is_refused_with_1008_at_submit_storing_and_charging_nothing()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        // 11 MB for a parameter that takes 10 MB, well inside the submit's body limit.
        var oversized = new byte[11 * 1024 * 1024];
        TestImages.Png(4, 4).CopyTo(oversized, 0);

        var answer = await caller.SubmitAsync(Edit, new { prompt = "too big inline", imageUrls = new[] { TestImages.DataUri(oversized) }, aspectRatio = "1:1" });

        Assert.Equal("1008", (string)answer["errorCode"]!);
        Assert.Contains("imageUrls[0]: the inline file is 11 MB, more than the 10 MB this parameter takes", (string)answer["errorMessage"]!);
        Assert.Equal("", (string)answer["taskId"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
        Assert.Equal(0, await TaskRowsAsync(caller.AccountId));
        Assert.Equal(0, StoredInputs);
    }

    [Fact]
    public async Task An_inline_input_is_kept_beside_the_task_and_the_task_row_holds_only_its_url()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var png = TestImages.Png(600, 400);
        var submitted = await caller.SubmitAsync(Edit, new { prompt = "an inline picture", imageUrls = new[] { TestImages.DataUri(png) }, aspectRatio = "1:1" });
        Assert.Equal("", (string)submitted["errorCode"]!);

        var parameters = await ParametersAsync((string)submitted["taskId"]!);
        Assert.DoesNotContain("data:", parameters, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(png)[..64], parameters, StringComparison.Ordinal);
        Assert.Matches("/files/inputs/[0-9a-f]{32}\\.png", parameters);
        Assert.True(parameters.Length < 1024, $"the task row's parameters are {parameters.Length} characters");
        Assert.Equal(png, await InputContentAsync());
        Assert.Equal(0, StoredInputs);

        var done = await caller.WaitAsync((string)submitted["taskId"]!);
        Assert.Equal("SUCCESS", (string)done["status"]!);
    }

    [Fact]
    public async Task An_inline_input_of_a_format_the_parameter_does_not_take_is_refused_with_1007_before_anything_is_stored()
    {
        var caller = await _server.NewCallerAsync(balance: 1m);
        var answer = await caller.SubmitAsync(Edit, new { prompt = "a webp", imageUrls = new[] { "https://example.com/a.png", TestImages.DataUri(TestImages.Webp(8, 8), "image/webp") }, aspectRatio = "1:1" });

        Assert.Equal("1007", (string)answer["errorCode"]!);
        Assert.Contains("imageUrls[1]: WEBP is not an accepted format", (string)answer["errorMessage"]!);
        Assert.Equal(1m, await caller.BalanceAsync());
        Assert.Equal(0, StoredInputs);
    }

    [Fact]
    public async Task A_submit_refused_for_its_balance_leaves_no_inline_input_stored()
    {
        var caller = await _server.NewCallerAsync(balance: 0m);
        var answer = await caller.SubmitAsync(Edit, new { prompt = "no money", imageUrls = new[] { TestImages.DataUri(TestImages.Png(32, 32)) }, aspectRatio = "1:1" });

        Assert.Equal("812", (string)answer["errorCode"]!);
        Assert.Equal(0, StoredInputs);
    }

    [Fact]
    public async Task A_wallet_that_cannot_pay_is_refused_before_a_large_inline_input_is_decoded_or_checked()
    {
        // 600 KB that are not a picture at all: decoding and checking them would answer 1007. A wallet of 0.01 CNY cannot
        // pay the edit (0.03), and that is said first, as for a submit without inline data; before, the input was decoded,
        // checked and written to a file before the wallet was looked at (helper-62).
        var notAPicture = new byte[600 * 1024];
        new Random(1).NextBytes(notAPicture);
        var poor = await _server.NewCallerAsync(balance: 0.01m);
        var large = await poor.SubmitAsync(Edit, new { prompt = "no money", imageUrls = new[] { TestImages.DataUri(notAPicture) }, aspectRatio = "1:1" });

        Assert.Equal("812", (string)large["errorCode"]!);
        Assert.Equal("wallet balance too low: this task costs 0.03 CNY", (string)large["errorMessage"]!);
        Assert.Equal(0, StoredInputs);

        // A small inline input is checked first, as before (its decoding costs little; the transaction refuses the wallet).
        var small = await poor.SubmitAsync(Edit, new { prompt = "no money", imageUrls = new[] { TestImages.DataUri(notAPicture[..1024]) }, aspectRatio = "1:1" });
        Assert.Equal("1007", (string)small["errorCode"]!);

        // A key whose spend cap the price would pass is refused as early, with the cap's message.
        var capped = await _server.NewCallerAsync(balance: 1m);
        var policies = new RunHub.Accounts.KeyPolicies(_server.Services.GetRequiredService<Database>());
        Assert.Null((await policies.SetAsync(capped.ApiKey, new RunHub.Accounts.KeyPolicies.Change { SpendCap = 20 })).Error);
        var overCap = await capped.SubmitAsync(Edit, new { prompt = "over the cap", imageUrls = new[] { TestImages.DataUri(notAPicture) }, aspectRatio = "1:1" });
        Assert.Equal("812", (string)overCap["errorCode"]!);
        Assert.StartsWith("this task costs 0.03 CNY, more than is left of this key's spend cap of 0.02 CNY", (string)overCap["errorMessage"]!);

        // A wallet that can pay gets the large input checked: the same 1007 as ever.
        var paying = await _server.NewCallerAsync(balance: 1m);
        var checkedLarge = await paying.SubmitAsync(Edit, new { prompt = "paid for", imageUrls = new[] { TestImages.DataUri(notAPicture) }, aspectRatio = "1:1" });
        Assert.Equal("1007", (string)checkedLarge["errorCode"]!);
        Assert.Equal(1m, await paying.BalanceAsync());
    }

    private async Task<int> TaskRowsAsync(string accountId)
    {
        using var db = _server.Services.GetRequiredService<SqliteDatabase>().Open();
        return await db.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM tasks WHERE account_id = @accountId", new { accountId });
    }

    private async Task<byte[]?> InputContentAsync()
    {
        using var db = _server.Services.GetRequiredService<SqliteDatabase>().Open();
        return await db.ExecuteScalarAsync<byte[]>("SELECT content FROM task_inputs");
    }

    private async Task<string> ParametersAsync(string taskId)
    {
        using var db = _server.Services.GetRequiredService<SqliteDatabase>().Open();
        return await db.ExecuteScalarAsync<string>("SELECT parameters FROM tasks WHERE id = @taskId", new { taskId }) ?? "";
    }
}
