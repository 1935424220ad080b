using System.Text.Json;
using RunHub.Catalog;
using RunHub.Accounts;
using RunHub.Client;
using RunHub.Limits;
using RunHub.Media;
using RunHub.Tasks;
using RunHub.Wire;

namespace RunHub.Api;

/// <summary>
/// A submit after every check of <see cref="ModelRequests"/> has passed: honour an idempotency key, store the inline
/// <c>data:</c> inputs with the task (<see cref="InlineInputs"/>), reserve the price and queue the task with its webhook URL
/// and the key that sent it. The API's submit
/// and the console's playground both go through here, so a console user's run is stored, charged and queued exactly
/// as their key's would be.
/// </summary>
public sealed class TaskSubmitter(TaskQueue queue, InlineInputs inlineInputs)
{
    /// <summary>
    /// The task object to answer with: the created (or replayed) task, or a refusal: 1007 (a malformed or reused
    /// idempotency key, an inline input the task cannot use), 812 (the wallet cannot pay the price, or the key's spend cap
    /// would be passed), 1011 or 1520 (the account's queue limits, its own or the server's, docs/limits.md). Nothing is stored or charged for a refusal.
    /// </summary>
    /// <param name="request">The checked request (<see cref="ModelRequests.ReadAsync"/> or <see cref="ModelRequests.Check"/>).</param>
    /// <param name="idempotencyKeyText">The <c>Idempotency-Key</c> header, or null or empty for none.</param>
    /// <param name="runHubBaseUrl">RunHub's base URL as the caller reaches it, for the URLs of stored inline inputs and the result links of the task's webhook.</param>
    /// <param name="fileUrl">Turns a stored file's key into the URL this caller is given.</param>
    /// <returns>The answer, and whether it is an earlier task replayed for the same idempotency key.</returns>
    public async Task<(TaskObject Answer, bool Replayed)> SubmitAsync(ModelRequest request, string? idempotencyKeyText,
        string runHubBaseUrl, Func<string, string> fileUrl, CancellationToken cancellationToken)
    {
        var (accountId, keyHash, model, validated, amount, webhookUrl) = request;
        IdempotencyKey? idempotency = null;
        if (idempotencyKeyText is { Length: > 0 })
        {
            // The request as the client sent it, inline inputs and its webhook too (as a workflow run's): the same request
            // again is the same request. A submit without a webhook keeps the fingerprint it had before the webhook counted.
            var sent = JsonSerializer.Serialize(validated.Parameters, WireJson.Options);
            if (webhookUrl is { Length: > 0 }) sent += "\nwebhookUrl " + webhookUrl;
            idempotency = IdempotencyKey.From(idempotencyKeyText, model.Endpoint, sent, out var keyError);
            if (idempotency is null) return (TaskObject.Error(RunHubErrorCodes.InvalidParameters, keyError!), false);
        }

        // A wallet that cannot pay gets its 812 before large inline inputs are decoded, checked and written (helper-62).
        if (inlineInputs.HasLarge(validated)
            && await queue.MoneyRefusalAsync(accountId, keyHash, amount, request.KeyPolicy.SpendCap is not null) is { } early)
            return (MoneyRefusal(early, request, amount), false);
        var (inline, inlineRefusal) = await inlineInputs.StoreAsync(validated, runHubBaseUrl, cancellationToken);
        if (inline is null) return (TaskObject.Error(RunHubErrorCodes.InvalidParameters, inlineRefusal!), false);
        var parameters = JsonSerializer.Serialize(inline.Parameters, WireJson.Options);
        SubmitResult submitted;
        try
        {
            submitted = await queue.SubmitAsync(accountId, model.Endpoint, parameters, amount, idempotency,
                new SubmitContext(webhookUrl, runHubBaseUrl, keyHash, SpendCapped: request.KeyPolicy.SpendCap is not null, Inputs: inline.Inputs));
        }
        catch
        {
            await inlineInputs.DiscardAsync(inline.Inputs);
            throw;
        }
        if (submitted.Outcome != SubmitOutcome.Created) await inlineInputs.DiscardAsync(inline.Inputs);
        return submitted.Outcome switch
        {
            SubmitOutcome.InsufficientBalance or SubmitOutcome.SpendCapReached => (MoneyRefusal(submitted.Outcome, request, amount), false),
            SubmitOutcome.QueueFull => (TaskObject.Error(RunHubErrorCodes.SystemBusy, QueueAdmission.Message(submitted)!), false),
            SubmitOutcome.ConcurrencyLimit => (TaskObject.Error(RunHubErrorCodes.ConcurrencyLimit, QueueAdmission.Message(submitted)!), false),
            SubmitOutcome.KeyReused => (TaskObject.Error(RunHubErrorCodes.InvalidParameters, idempotency!.ReusedMessage), false),
            _ => (TaskObjectMapper.ToWire(submitted.Task!, fileUrl), submitted.Outcome == SubmitOutcome.Replayed),
        };
    }

    /// <summary>812: the wallet cannot pay the price, or it would pass the key's spend cap.</summary>
    private static TaskObject MoneyRefusal(SubmitOutcome outcome, ModelRequest request, Money amount) =>
        TaskObject.Error(RunHubErrorCodes.InsufficientBalance, outcome == SubmitOutcome.SpendCapReached
            ? request.KeyPolicy.SpendCapMessage(amount)
            : $"wallet balance too low: this task costs {amount} CNY");
}
