using System.Text.Json;

namespace RunHub.Client;

/// <summary>One API request as the transport sends it, with what makes its retries safe.</summary>
internal sealed record ApiCall
{
    /// <summary>Names the call in messages ("submit rhart-image-g-1.5/edit", "query").</summary>
    public required string Operation { get; init; }

    /// <summary>Builds a fresh request for each attempt (a sent request cannot be sent again).</summary>
    public required Func<HttpRequestMessage> CreateRequest { get; init; }

    /// <summary>What a success must be: a task object, or a payload (optionally checked by <see cref="PayloadIsValid"/>).</summary>
    public required bool ExpectsTask { get; init; }

    /// <summary>A payload failing this is an invalid response (e.g. an upload answer without a download URL).</summary>
    public Func<JsonElement, bool>? PayloadIsValid { get; init; }

    /// <summary>
    /// Whether a request whose answer was lost may be sent again: true for reads; for a submit, only when the
    /// server honours <c>Idempotency-Key</c>.
    /// </summary>
    public required bool LostAnswerIsSafeToResend { get; init; }

    /// <summary>Whether the request can be sent more than once at all (false for an upload from a stream that cannot rewind).</summary>
    public bool CanResend { get; init; } = true;

    /// <summary>Whether this call creates a task (a lost answer then leaves the outcome unknown).</summary>
    public bool IsSubmit { get; init; }

    /// <summary>The task concerned, for error reports.</summary>
    public string? TaskId { get; init; }

    /// <summary>The submit's key, for error reports.</summary>
    public string? IdempotencyKey { get; init; }
}
