using System.Net;
using RunHub.Media;
using RunHub.Files;

namespace RunHub.Tests.Media.Support;

/// <summary>Builds InputFetchers over a throwaway file store.</summary>
internal sealed class Fetchers : IDisposable
{
    private readonly List<InputFetcher> _made = [];

    public Fetchers() => Store = new LocalFileStore(Path.Combine(Path.GetTempPath(), "runhub-media-" + Guid.NewGuid().ToString("N")));

    public LocalFileStore Store { get; }

    /// <summary>A fetcher; <paramref name="dns"/> stands in for DNS when given (host → addresses).</summary>
    /// <param name="time">The clock of deadlines and the minimum rate (a FakeTimeProvider to move it by hand).</param>
    public InputFetcher Create(Action<MediaOptions>? configure = null, IReadOnlyDictionary<string, IPAddress[]>? dns = null, string? publicBaseUrl = null,
        TimeProvider? time = null)
    {
        var options = new RunHubOptions { PublicBaseUrl = publicBaseUrl };
        configure?.Invoke(options.Media);
        HostResolver resolve = dns is null
            ? (host, ct) => Dns.GetHostAddressesAsync(host, ct)
            : (host, _) => Task.FromResult(dns.TryGetValue(host, out var addresses) ? addresses : []);
        var fetcher = new InputFetcher(options, Store, resolve, time: time);
        _made.Add(fetcher);
        return fetcher;
    }

    public InputFetcher AllowingPrivateNetworks() => Create(media => media.AllowPrivateNetworks = true);

    public void Dispose()
    {
        foreach (var fetcher in _made) fetcher.Dispose();
        if (Directory.Exists(Store.Root)) Directory.Delete(Store.Root, recursive: true);
    }
}

internal static class FetchAssertions
{
    /// <summary>Runs the fetch with a hard stop, so a fetcher that hangs fails the test instead of stalling it.</summary>
    public static Task<MediaInput> Within(this Task<MediaInput> fetch, int seconds = 20) => fetch.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static async Task<string> RejectedAsync(this Task<MediaInput> fetch, int seconds = 20)
    {
        var rejected = await Assert.ThrowsAsync<InputRejectedException>(() => fetch.Within(seconds));
        return rejected.Message;
    }
}
