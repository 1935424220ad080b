namespace RunHub.Files;

/// <summary>What <see cref="UploadedFiles.StoreAsync"/> did with a file: stored it, or refused it and stored nothing.</summary>
public abstract record UploadOutcome
{
    private UploadOutcome()
    {
    }

    /// <summary>Stored, under <see cref="StoredUpload.Key"/>.</summary>
    public sealed record Stored(StoredUpload Upload) : UploadOutcome;

    /// <summary>Not an image, audio, video or zip file (<see cref="UploadedFiles.NotMedia"/>; 1007, or 1007/the field on the workflow API).</summary>
    public sealed record NotMedia : UploadOutcome;

    /// <summary>
    /// The account's uploads kept now and this file together would pass the MB it may keep
    /// (<see cref="Limits.LimitsOptions.MaxUploadMbPerAccount"/> or its own cap): 1008 (809 on the workflow API), with
    /// <see cref="Message"/> naming the sizes in MB, the cap and when the next of its uploads expires.
    /// </summary>
    /// <param name="KeptBytes">The sizes of the account's uploads not yet expired, in bytes.</param>
    /// <param name="FileBytes">This file's size in bytes.</param>
    /// <param name="LimitMb">The cap in MB (1,048,576 bytes).</param>
    /// <param name="NextExpiryMs">When the earliest of the kept uploads expires (Unix ms), or null when none is kept.</param>
    public sealed record OverQuota(long KeptBytes, long FileBytes, long LimitMb, long? NextExpiryMs) : UploadOutcome
    {
        /// <summary>The refusal, in the upload answers' style (<c>file: ...</c>).</summary>
        public string Message
        {
            get
            {
                var next = NextExpiryMs is { } ms
                    ? $"; room is made as they expire, the next at {DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime:yyyy-MM-dd HH:mm} UTC"
                    : "";
                return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"file: this account may keep {LimitMb} MB of uploads and keeps {Mb(KeptBytes)} MB now, so this file ({Mb(FileBytes)} MB) does not fit{next}");
            }
        }

        private static string Mb(long bytes) => (bytes / 1048576.0).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture);
    }
}
