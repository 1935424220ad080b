using System.Text.Json.Nodes;
using RunHub.Client;
using RunHub.Tasks;

namespace RunHub.Api;

/// <summary>
/// Request and answer examples of the API's own routes for the OpenAPI document (<see cref="ApiDocs.RouteDocs"/>), in
/// the shapes of DESIGN.md §1 and docs/api.md.
/// </summary>
public static class ApiExamples
{
    public const string TaskId = "2013508786110730241";
    private const string ClientId = "f828b9af25161bc066ef152db7b29ccc";

    /// <summary>The body of query and cancel.</summary>
    public sealed record TaskIdBody(string TaskId);

    /// <summary>The body of account status (RunningHub's field is <c>apikey</c>, lower case).</summary>
    public sealed record ApiKeyBody([property: System.Text.Json.Serialization.JsonPropertyName("apikey")] string Apikey);

    /// <summary>The upload form: one file in the field <c>file</c>.</summary>
    public sealed record UploadForm(IFormFile File);

    public static JsonObject EditRequest { get; } = new()
    {
        ["prompt"] = "A sudden, massive explosion behind them",
        ["imageUrls"] = new JsonArray("https://example.com/photo.png"),
        ["aspectRatio"] = "2:3",
    };

    public static TaskObject QueuedTask { get; } =
        new(TaskId, TaskStatuses.Queued, "", "", null, ClientId, PromptTips.Accepted, null);

    public static TaskObject SucceededTask { get; } =
        new(TaskId, TaskStatuses.Success, "", "", [new TaskResult($"http://127.0.0.1:5080/files/results/6b1d2f0e9a8c4b7d8e2f1a3c5b7d9e0f/0.png", "png", null)],
            ClientId, PromptTips.Accepted, new TaskUsage("0.03", null, "4", null));

    public static TaskObject CancelledTask { get; } =
        new(TaskId, TaskStatuses.Cancel, "", "", null, ClientId, PromptTips.Accepted, null);

    public static TaskObject WrongKey { get; } = TaskObject.Error(RunHubErrorCodes.InvalidApiKey, BearerKey.InvalidMessage);

    public static TaskObject InvalidParameter { get; } =
        TaskObject.Error(RunHubErrorCodes.InvalidParameters, "prompt: length 4 is below the minimum of 5");

    public static UploadEndpoint.Envelope Uploaded { get; } = new(0, "success", new UploadEndpoint.Uploaded("image",
        "http://127.0.0.1:5080/files/openapi/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.png",
        "openapi/9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08.png", "3490"));

    public static Envelope<AccountStatusEndpoint.AccountStatus> AccountStatusAnswer { get; } =
        Envelope<AccountStatusEndpoint.AccountStatus>.Success(new AccountStatusEndpoint.AccountStatus("9.94", "CNY", "0", "2", "SHARED"));

    public static PricePreviewEndpoint.PricePreview PricePreview { get; } =
        new(0.03m, "CNY", false, false, "¥0.03/次", "CNY 0.03/call", "0", "0");

    public static Envelope<IReadOnlyList<ApiKeyListEndpoint.ApiKeyItem>> ApiKeyList { get; } =
        Envelope<IReadOnlyList<ApiKeyListEndpoint.ApiKeyItem>>.Success([
            new ApiKeyListEndpoint.ApiKeyItem("46eb****0634", "default", 1, null, null, false, null, null, "2026-01-01T12:00:00Z", "2026-01-02T08:30:00Z")]);

    public static Envelope<QueueStatusEndpoint.QueueStatus> QueueStatusAnswer { get; } =
        Envelope<QueueStatusEndpoint.QueueStatus>.Success(new QueueStatusEndpoint.QueueStatus(AccountStatusEndpoint.ApiType, 4, "1", "2", "3"));
}
