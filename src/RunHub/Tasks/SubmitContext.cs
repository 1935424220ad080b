namespace RunHub.Tasks;

/// <summary>
/// What a submit stores with its task beyond the model and parameters. Every part is optional (null: none).
/// </summary>
/// <param name="WebhookUrl">An absolute http(s) URL to POST the task's end to (already checked by the caller; docs/webhooks.md).</param>
/// <param name="BaseUrl">RunHub's base URL as the client reached it, for the result links in the task's webhook.</param>
/// <param name="KeyHash">SHA-256 (hex) of the submitting key (<see cref="Accounts.ApiKey.Hash"/>).</param>
/// <param name="SpendCapped">The key has a spend cap: the price counts against it in the submit's transaction (812 beyond it; docs/limits.md).</param>
/// <param name="Inputs">The submit's inline inputs (<see cref="Media.InlineInputs"/>), written with the task; null or empty for none.</param>
public sealed record SubmitContext(string? WebhookUrl = null, string? BaseUrl = null, string? KeyHash = null, bool SpendCapped = false,
    IReadOnlyList<TaskInput>? Inputs = null);
