using Dapper;
using Microsoft.Extensions.DependencyInjection;
using RunHub.Data;
using RunHub.Tests.Support;

namespace RunHub.Tests.Workflows;

/// <summary>
/// Issue 11 item 2, for the workflow API. Before: a <c>data:</c> URL in a run's <c>nodeInfoList</c> was kept whole in the
/// task row (up to the JSON body limit per run), and one that was not an image was only refused when the task ran. No
/// ComfyUI is contacted: the workflow's server here is a closed port, and these tests look at the queued task.
/// </summary>
public sealed class WorkflowInlineInputTests : IAsyncLifetime
{
    private OfflineWorkflowServer _offline = null!;

    public async Task InitializeAsync() => _offline = await OfflineWorkflowServer.StartAsync();

    public async Task DisposeAsync() => await _offline.DisposeAsync();

    private TestServer Server => _offline.Server;

    private V1Caller V1 => _offline.V1;

    private string InputsFolder => Path.Combine(Server.DataDir, "files", "inputs");

    private int StoredInputs => Directory.Exists(InputsFolder) ? Directory.GetFiles(InputsFolder).Length : 0;

    private static object Entry(string nodeId, string fieldName, object? fieldValue) => new { nodeId, fieldName, fieldValue };

    [Fact]
    public async Task An_inline_image_in_nodeInfoList_is_kept_beside_the_task_and_the_task_row_holds_only_its_key()
    {
        var png = TestImages.Png(300, 200);
        var answer = await V1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", TestImages.DataUri(png)) });
        Assert.Equal(0, (int)answer["code"]!);

        var parameters = await ParametersAsync((string)answer["data"]!["taskId"]!);
        Assert.DoesNotContain("data:", parameters, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToBase64String(png)[..64], parameters, StringComparison.Ordinal);
        Assert.Matches("inputs/[0-9a-f]{32}\\.png", parameters);
        Assert.True(parameters.Length < 2048, $"the task row's parameters are {parameters.Length} characters");
        using var db = Server.Services.GetRequiredService<SqliteDatabase>().Open();
        var key = System.Text.RegularExpressions.Regex.Match(parameters, "inputs/[0-9a-f]{32}\\.png").Value;
        Assert.Equal(png, await db.ExecuteScalarAsync<byte[]>("SELECT content FROM task_inputs WHERE key = @key", new { key }));
        Assert.Equal(0, StoredInputs);
    }

    [Fact]
    public async Task An_inline_value_that_is_not_an_image_is_803_at_submit_naming_the_entry_with_nothing_stored_or_charged()
    {
        var text = "data:text/html;base64," + Convert.ToBase64String("<script>alert(1)</script>"u8.ToArray());
        var answer = await V1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", text) });

        Assert.Equal(803, (int)answer["code"]!);
        Assert.Contains("nodeInfoList[0] (node 10, field \"image\"): not a readable image", (string)answer["msg"]!);
        Assert.Equal(1m, await V1.Caller.BalanceAsync());
        Assert.Equal(0, StoredInputs);
    }

    [Fact]
    public async Task A_run_refused_for_another_entry_or_for_its_balance_leaves_no_inline_input_stored()
    {
        var inline = TestImages.DataUri(TestImages.Png(16, 16));
        var refused = await V1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", inline), Entry("99", "text", "x") });
        Assert.Equal(803, (int)refused["code"]!);
        Assert.Equal(0, StoredInputs);

        var poor = new V1Caller(await Server.NewCallerAsync(balance: 0m));
        var unpaid = await poor.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", inline) });
        Assert.NotEqual(0, (int)unpaid["code"]!);
        Assert.Null(unpaid["data"]);
        Assert.Equal(0, StoredInputs);
    }

    [Fact]
    public async Task A_wallet_that_cannot_pay_the_reservation_is_refused_before_a_large_inline_input_is_decoded()
    {
        // 600 KB that are not a picture: checked, they would be an 803. The wallet cannot pay the run's reservation, and
        // that is said first (416); before, the input was decoded, checked and written before the wallet was looked at.
        var notAPicture = new byte[600 * 1024];
        new Random(2).NextBytes(notAPicture);
        var poor = new V1Caller(await Server.NewCallerAsync(balance: 0m));

        var unpaid = await poor.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", TestImages.DataUri(notAPicture)) });

        Assert.Equal(416, (int)unpaid["code"]!);
        Assert.Contains("wallet balance too low: a run of workflow 1904136902449209346 reserves", (string)unpaid["msg"]!);
        Assert.Equal(0, StoredInputs);
        var paying = await V1.CreateAsync(WorkflowFolder.WorkflowId, new[] { Entry("10", "image", TestImages.DataUri(notAPicture)) });
        Assert.Equal(803, (int)paying["code"]!);
    }

    private async Task<string> ParametersAsync(string taskId)
    {
        using var db = Server.Services.GetRequiredService<SqliteDatabase>().Open();
        return await db.ExecuteScalarAsync<string>("SELECT parameters FROM tasks WHERE id = @taskId", new { taskId }) ?? "";
    }
}
