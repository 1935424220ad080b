namespace RunHub.Media;

/// <summary>
/// Why one fetch step failed, in words fit for the client. <see cref="InputFetcher"/> prefixes it with the
/// field and index and rethrows it as an <see cref="InputRejectedException"/>.
/// </summary>
internal sealed class FetchRefusedException(string reason, Exception? inner = null) : Exception(reason, inner);
