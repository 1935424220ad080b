using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace RunHub.Files;

/// <summary>The startup check of the bucket: reachable, allowed, existing (or created when the settings allow).</summary>
internal static class S3BucketCheck
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(IAmazonS3 client, S3Settings settings, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Patience);
        var where = $"bucket '{settings.Bucket}' at {settings.Endpoint}";
        try
        {
            await client.HeadBucketAsync(new HeadBucketRequest { BucketName = settings.Bucket }, deadline.Token);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            if (!settings.CreateBucket)
                throw new StorageConfigurationException(
                    $"S3 storage: {where} does not exist; create it, or set RunHub:Storage:S3:CreateBucket=true to let RunHub create it", e);
            await CreateAsync(client, settings, where, deadline.Token);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
        {
            throw new StorageConfigurationException(
                $"S3 storage: {where} refused access ({Describe(e)}); check RunHub:Storage:S3:AccessKey and SecretKey, and that this key may use the bucket", e);
        }
        catch (AmazonS3Exception e)
        {
            throw new StorageConfigurationException($"S3 storage: {where} answered {Describe(e)}", e);
        }
        catch (OperationCanceledException e) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new StorageConfigurationException($"S3 storage: {where} did not answer within {Patience.TotalSeconds:0} s", e);
        }
        // A bare SocketException too: the SDK's HttpClient lets one through when the server resets a new connection at once.
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or System.Net.Sockets.SocketException)
        {
            throw new StorageConfigurationException($"S3 storage: cannot reach {where}: {Innermost(e).Message}", e);
        }
    }

    private static async Task CreateAsync(IAmazonS3 client, S3Settings settings, string where, CancellationToken cancellationToken)
    {
        try
        {
            await client.PutBucketAsync(new PutBucketRequest { BucketName = settings.Bucket }, cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "BucketAlreadyOwnedByYou")
        {
            // Another node starting at the same time created it first.
        }
        catch (AmazonS3Exception e)
        {
            throw new StorageConfigurationException($"S3 storage: {where} does not exist and could not be created ({Describe(e)})", e);
        }
    }

    private static string Describe(AmazonS3Exception e)
    {
        var status = $"HTTP {(int)e.StatusCode}";
        return string.IsNullOrEmpty(e.ErrorCode) ? status : $"{status} {e.ErrorCode}";
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
