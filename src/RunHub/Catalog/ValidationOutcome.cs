using System.Diagnostics.CodeAnalysis;
using RunHub.Client;

namespace RunHub.Catalog;

/// <summary>The result of checking a request body against a model: the validated request, or every problem found.</summary>
public sealed class ValidationOutcome
{
    private ValidationOutcome(ValidatedRequest? request, IReadOnlyList<string> errors, IReadOnlyList<string> ignoredFields,
        string errorCode = RunHubErrorCodes.InvalidParameters)
    {
        Request = request;
        Errors = errors;
        IgnoredFields = ignoredFields;
        ErrorCode = errorCode;
    }

    /// <summary>
    /// The code to refuse with: <see cref="RunHubErrorCodes.FileTooLarge"/> (1008) when an inline <c>data:</c> file is
    /// larger than its parameter's <c>maxSize</c>, else <see cref="RunHubErrorCodes.InvalidParameters"/> (1007).
    /// </summary>
    public string ErrorCode { get; }

    public ValidatedRequest? Request { get; }

    /// <summary>Each names the field and the rule, e.g. <c>prompt: length 4 is below the minimum of 5</c>.</summary>
    public IReadOnlyList<string> Errors { get; }

    [MemberNotNullWhen(true, nameof(Request))]
    public bool IsValid => Request is not null;

    /// <summary>Fields of the body the model does not declare, left out of the request (not strict mode); names cut short.</summary>
    public IReadOnlyList<string> IgnoredFields { get; }

    /// <summary>All errors in one line, for the task object's <c>errorMessage</c> (code 1007).</summary>
    public string ErrorMessage => string.Join("; ", Errors);

    public static ValidationOutcome Valid(ValidatedRequest request, IReadOnlyList<string>? ignoredFields = null) => new(request, [], ignoredFields ?? []);

    public static ValidationOutcome Invalid(IReadOnlyList<string> errors, string errorCode = RunHubErrorCodes.InvalidParameters) =>
        errors.Count == 0 ? throw new ArgumentException("an invalid outcome needs at least one error", nameof(errors)) : new(null, errors, [], errorCode);
}
