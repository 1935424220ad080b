namespace RunHub.Tests.Support;

/// <summary>
/// A test that needs the S3-compatible server tests/services/s3.sh starts. Without RUNHUB_TEST_S3_URL it is
/// skipped, saying why, unless RUNHUB_TEST_REQUIRE_SERVICES=1 (tests/run, CI): then it runs and fails on the
/// missing server, so CI never passes by skipping it.
/// </summary>
public sealed class S3FactAttribute : FactAttribute
{
    public S3FactAttribute()
    {
        if (TestS3.IsAvailable || TestS3.IsRequired) return;
        Skip = $"needs an S3-compatible server: {TestS3.MissingMessage}";
    }
}

/// <summary>The same as <see cref="S3FactAttribute"/> for a theory.</summary>
public sealed class S3TheoryAttribute : TheoryAttribute
{
    public S3TheoryAttribute()
    {
        if (TestS3.IsAvailable || TestS3.IsRequired) return;
        Skip = $"needs an S3-compatible server: {TestS3.MissingMessage}";
    }
}
