using System.Diagnostics.CodeAnalysis;
using RunHub.Client;

namespace RunHub.Catalog;

/// <summary>The result of checking a request body against a model: the validated request, or every problem found.</summary>
public sealed class ValidationOutcome
{
    private ValidationOutcome(ValidatedRequest? request, IReadOnlyList<string> errors, IReadOnlyList<string> ignoredFields, int ignoredFieldCount,
        string errorCode = RunHubErrorCodes.InvalidParameters)
    {
        Request = request;
        Errors = errors;
        IgnoredFields = ignoredFields;
        IgnoredFieldCount = ignoredFieldCount;
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

    /// <summary>
    /// Fields of the body the model does not declare, left out of the request (not strict mode): the first
    /// <see cref="RequestValidator.MaxNamedFields"/> distinct names, cut short.
    /// </summary>
    public IReadOnlyList<string> IgnoredFields { get; }

    /// <summary>How many fields of the body were ignored, repeats included (<see cref="IgnoredFields"/> names the first).</summary>
    public int IgnoredFieldCount { get; }

    /// <summary>All errors in one line, for the task object's <c>errorMessage</c> (code 1007).</summary>
    public string ErrorMessage => string.Join("; ", Errors);

    /// <param name="ignoredFieldCount">How many fields were ignored, at least the names given (their count when left out).</param>
    public static ValidationOutcome Valid(ValidatedRequest request, IReadOnlyList<string>? ignoredFields = null, int? ignoredFieldCount = null) =>
        new(request, [], ignoredFields ?? [], Math.Max(ignoredFieldCount ?? 0, ignoredFields?.Count ?? 0));

    public static ValidationOutcome Invalid(IReadOnlyList<string> errors, string errorCode = RunHubErrorCodes.InvalidParameters) =>
        errors.Count == 0 ? throw new ArgumentException("an invalid outcome needs at least one error", nameof(errors)) : new(null, errors, [], 0, errorCode);
}
