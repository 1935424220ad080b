using System.Diagnostics;

namespace RunHub.Tests.ApiDocs;

/// <summary>
/// The independent OpenAPI validator tests/services/openapi-validator.sh installs (RUNHUB_TEST_OPENAPI_VALIDATOR). A test
/// that needs it is skipped when run alone without it, and fails under RUNHUB_TEST_REQUIRE_SERVICES=1 (tests/run, CI).
/// </summary>
public static class OpenApiValidator
{
    public const string Variable = "RUNHUB_TEST_OPENAPI_VALIDATOR";

    public static string? SkipReason =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } || Environment.GetEnvironmentVariable("RUNHUB_TEST_REQUIRE_SERVICES") == "1"
            ? null
            : $"needs an OpenAPI validator: {Variable} is not set (tests/run installs one with tests/services/openapi-validator.sh)";

    /// <summary>Validates a document file; returns the validator's exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(string path)
    {
        var program = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } p
            ? p
            : throw new InvalidOperationException($"{Variable} is not set but RUNHUB_TEST_REQUIRE_SERVICES=1: tests/services/openapi-validator.sh did not install the validator");
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(path);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}

/// <summary>A fact that needs the OpenAPI validator (<see cref="OpenApiValidator"/>).</summary>
public sealed class OpenApiValidatorFactAttribute : FactAttribute
{
    public OpenApiValidatorFactAttribute() => Skip = OpenApiValidator.SkipReason;
}
