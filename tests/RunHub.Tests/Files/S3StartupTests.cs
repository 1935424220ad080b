using Amazon.S3.Model;
using RunHub.Files;
using RunHub.Tests.Support;

namespace RunHub.Tests.Files;

/// <summary>A node checks its bucket before it serves anything and says plainly what is wrong.</summary>
public sealed class S3StartupTests
{
    [S3Fact]
    public async Task A_missing_bucket_stops_the_start_and_says_how_to_fix_it()
    {
        var bucket = TestS3.NewBucketName();

        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() => TestServer.StartAsync(TestS3.ServerSettings(bucket: bucket)));

        Assert.Equal($"S3 storage: bucket '{bucket}' at {TestS3.Url} does not exist; create it, or set RunHub:Storage:S3:CreateBucket=true to let RunHub create it",
            error.Message);
    }

    [S3Fact]
    public async Task With_CreateBucket_a_missing_bucket_is_created_and_used()
    {
        var bucket = TestS3.NewBucketName();

        await using var server = await TestServer.StartAsync(TestS3.ServerSettings(bucket: bucket, more: new Dictionary<string, string?> { ["Storage:S3:CreateBucket"] = "true" }));
        var upload = await (await server.NewCallerAsync()).UploadAsync(TestImages.Png(3, 3), "a.png");

        using var client = TestS3.Client();
        var listed = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.Equal((string)upload["data"]!["fileName"]!, listed.S3Objects.Single().Key);
    }

    [S3Fact]
    public async Task An_unknown_access_key_stops_the_start_without_showing_the_secret()
    {
        var settings = TestS3.ServerSettings(more: new Dictionary<string, string?>
        {
            ["Storage:S3:AccessKey"] = "NOT-A-KEY",
            ["Storage:S3:SecretKey"] = "a-secret-that-must-not-leak",
        });

        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() => TestServer.StartAsync(settings));

        Assert.StartsWith($"S3 storage: bucket '{TestS3.Bucket}' at {TestS3.Url} refused access (HTTP 403", error.Message);
        Assert.EndsWith("check RunHub:Storage:S3:AccessKey and SecretKey, and that this key may use the bucket", error.Message);
        Assert.DoesNotContain("a-secret-that-must-not-leak", error.ToString());
    }

    [Fact]
    public async Task An_unreachable_service_stops_the_start_naming_where_it_looked()
    {
        // Port 9 (discard) has no listener on this machine: the connection is refused at once.
        var settings = new Dictionary<string, string?>
        {
            ["Storage:S3:ServiceUrl"] = "http://127.0.0.1:9",
            ["Storage:S3:Bucket"] = "runhub",
            ["Storage:S3:AccessKey"] = "key",
            ["Storage:S3:SecretKey"] = "secret",
            ["Storage:S3:ForcePathStyle"] = "true",
        };

        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() => TestServer.StartAsync(settings));

        Assert.StartsWith("S3 storage: cannot reach bucket 'runhub' at http://127.0.0.1:9: ", error.Message);
    }

    [S3Fact]
    public async Task Runhub_serve_with_a_missing_bucket_exits_with_the_message_and_no_stack_trace()
    {
        using var data = new TempDirectory();
        var environment = TestS3.EnvironmentVariables(bucket: TestS3.NewBucketName());

        var (exitCode, _, stderr) = await ServerProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data.Path], environment);

        Assert.Equal(1, exitCode);
        Assert.StartsWith("runhub: S3 storage: bucket 'runhub-", stderr);
        Assert.Contains("does not exist; create it, or set RunHub:Storage:S3:CreateBucket=true", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public async Task Runhub_serve_with_incomplete_s3_settings_exits_naming_what_is_missing()
    {
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string> { ["RunHub__Storage__S3__Bucket"] = "runhub" };

        var (exitCode, _, stderr) = await ServerProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data.Path], environment);

        Assert.Equal(1, exitCode);
        Assert.Equal("runhub: S3 storage is misconfigured: RunHub:Storage:S3:ServiceUrl is required (or Region, for AWS S3 itself); "
            + "RunHub:Storage:S3:AccessKey is required; RunHub:Storage:S3:SecretKey is required", stderr.Trim());
    }
}
