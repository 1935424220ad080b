using RunHub.Files;

namespace RunHub.Tests.Files;

/// <summary>Checking RunHub:Storage:S3 before anything connects: every problem named, no secret shown.</summary>
public sealed class S3SettingsTests
{
    private static S3StorageOptions Complete() => new()
    {
        ServiceUrl = "http://127.0.0.1:9000",
        Bucket = "runhub",
        AccessKey = "AKIDEXAMPLE",
        SecretKey = "wJalrXUtnFEMI-very-secret",
        ForcePathStyle = true,
    };

    [Fact]
    public void Without_any_s3_setting_the_local_folder_is_used()
    {
        Assert.False(new S3StorageOptions().IsConfigured);
        Assert.True(new S3StorageOptions { Bucket = "b" }.IsConfigured);
        Assert.True(new S3StorageOptions { Urls = "presigned" }.IsConfigured);
    }

    [Fact]
    public void Complete_settings_default_to_proxy_urls_for_a_day_in_us_east_1()
    {
        var settings = S3Settings.From(Complete());

        Assert.Equal(FileUrlMode.Proxy, settings.Urls);
        Assert.Equal(TimeSpan.FromDays(1), settings.PresignedUrlLifetime);
        Assert.Equal("us-east-1", settings.Region);
        Assert.Equal("http://127.0.0.1:9000", settings.Endpoint);
        Assert.False(settings.CreateBucket);
    }

    [Fact]
    public void Every_missing_setting_is_named_at_once()
    {
        var error = Assert.Throws<StorageConfigurationException>(() => S3Settings.From(new S3StorageOptions { Bucket = " " , Urls = "public" }));

        Assert.Contains("RunHub:Storage:S3:ServiceUrl is required (or Region, for AWS S3 itself)", error.Message);
        Assert.Contains("RunHub:Storage:S3:Bucket is required", error.Message);
        Assert.Contains("RunHub:Storage:S3:AccessKey is required", error.Message);
        Assert.Contains("RunHub:Storage:S3:SecretKey is required", error.Message);
        Assert.Contains("Urls=public needs RunHub:Storage:S3:PublicBaseUrl", error.Message);
    }

    [Theory]
    [InlineData("cdn", "Urls must be proxy, presigned or public, not 'cdn'")]
    [InlineData("1", "Urls must be proxy, presigned or public, not '1'")]
    public void An_unknown_url_mode_is_refused(string urls, string message)
    {
        var options = Complete();
        options.Urls = urls;

        Assert.Contains(message, Assert.Throws<StorageConfigurationException>(() => S3Settings.From(options)).Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7 * 24 * 60 + 1)]
    public void A_presigned_lifetime_outside_s3s_limits_is_refused(int minutes)
    {
        var options = Complete();
        options.PresignedUrlMinutes = minutes;

        var error = Assert.Throws<StorageConfigurationException>(() => S3Settings.From(options));
        Assert.Contains($"PresignedUrlMinutes must be between 1 and 10080 (7 days, S3's limit), not {minutes}", error.Message);
    }

    [Theory]
    [InlineData("ftp://files.example.test")]
    [InlineData("not a url")]
    [InlineData("https://user:pass@s3.example.test")]
    public void A_service_url_that_is_not_plain_http_is_refused(string url)
    {
        var options = Complete();
        options.ServiceUrl = url;

        Assert.Contains("ServiceUrl must be an http or https URL without credentials in it",
            Assert.Throws<StorageConfigurationException>(() => S3Settings.From(options)).Message);
    }

    [Fact]
    public void The_public_base_url_is_kept_without_its_trailing_slash()
    {
        var options = Complete();
        options.Urls = "PUBLIC";
        options.PublicBaseUrl = "https://cdn.example.test/runhub/";

        var settings = S3Settings.From(options);

        Assert.Equal(FileUrlMode.Public, settings.Urls);
        Assert.Equal("https://cdn.example.test/runhub", settings.PublicBaseUrl);
    }

    [Fact]
    public void The_secret_never_appears_when_settings_are_printed()
    {
        var settings = S3Settings.From(Complete());

        Assert.DoesNotContain("very-secret", settings.ToString());
        Assert.Equal("S3 bucket 'runhub' at http://127.0.0.1:9000", settings.ToString());
    }
}
