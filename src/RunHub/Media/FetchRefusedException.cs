namespace RunHub.Media;

/// <summary>
/// Why one fetch step failed, in words fit for the client. <see cref="InputFetcher"/> prefixes it with the
/// field and index and rethrows it as an <see cref="InputRejectedException"/>.
/// </summary>
internal sealed class FetchRefusedException(string reason, Exception? inner = null) : Exception(reason, inner)
{
    /// <summary>The URL's host is (or resolves to) an address the network policy does not let fetches reach.</summary>
    public bool AddressRefused { get; init; }
}
