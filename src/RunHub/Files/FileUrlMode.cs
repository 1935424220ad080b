namespace RunHub.Files;

/// <summary>How result and upload URLs are given out (<c>RunHub:Storage:S3:Urls</c>).</summary>
public enum FileUrlMode
{
    /// <summary><c>{RunHub}/files/{key}</c>, served by RunHub from whichever store is configured.</summary>
    Proxy,

    /// <summary>A presigned GET URL of the S3 object.</summary>
    Presigned,

    /// <summary><c>{PublicBaseUrl}/{key}</c>: a public bucket or a CDN in front of it.</summary>
    Public,
}
