using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace RunHub.Bench.Servers;

/// <summary>
/// <c>dotnet runhub.dll serve</c> as a separate process on a free loopback port, with its own data folder, the
/// way users run it: the bench measures it from outside, and its memory is its own. It is killed (and its
/// data folder deleted) when disposed.
/// </summary>
internal sealed class RunHubServer : IAsyncDisposable
{
    private const int KeptLines = 40;

    /// <summary>
    /// The runtime's switch that runs socket completions on the socket engine's thread. The bench sets it for itself
    /// (Program.cs) and removes it from every server it starts, which run as shipped.
    /// </summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private RunHubServer(Process process, string baseUrl, string dataDir)
    {
        _process = process;
        BaseUrl = baseUrl;
        DataDir = dataDir;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }
    public string DataDir { get; }
    public int ProcessId => _process.Id;

    /// <summary>The last lines the server printed, for a failure message.</summary>
    public string OutputTail { get { lock (_lastLines) return string.Join('\n', _lastLines); } }

    /// <param name="role"><c>all</c>, <c>api</c> or <c>worker</c>.</param>
    /// <param name="workers">The server's task workers (<c>RunHub__Queue__Workers</c>).</param>
    public static async Task<RunHubServer> StartAsync(string runhubDll, string dataDir, string role, int workers,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(runhubDll)) throw new FileNotFoundException($"runhub.dll not found at {runhubDll}; build the solution first", runhubDll);
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        foreach (var arg in new[] { runhubDll, "serve", "--urls", baseUrl, "--data", dataDir, "--role", role }) info.ArgumentList.Add(arg);
        // The run measures the shipped defaults plus the bench's own settings, whatever the caller's shell holds.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("RunHub__", StringComparison.OrdinalIgnoreCase)).ToList())
            info.Environment.Remove(name);
        info.Environment.Remove(InlineCompletionsVariable);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["RunHub__Queue__Workers"] = workers.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["RunHub__Engines__Sandbox__DelayMs"] = "0";
        info.Environment["RunHub__Engines__Sandbox__FailureRate"] = "0";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;

        var server = new RunHubServer(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"), baseUrl, dataDir);
        try
        {
            // A bound on a server that never comes up, not a timing: a fresh process on a saturated machine took a minute.
            await server.WaitHealthyAsync(TimeSpan.FromSeconds(240));
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitHealthyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < limit)
        {
            if (_process.HasExited) throw new InvalidOperationException($"runhub serve exited with {_process.ExitCode}:\n{OutputTail}");
            try
            {
                if ((await http.GetAsync(BaseUrl + "/healthz")).IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(50);
        }
        throw new TimeoutException($"runhub serve did not answer /healthz within {limit.TotalSeconds:0} s:\n{OutputTail}");
    }

    /// <summary>Resident set size now (VmRSS), in bytes.</summary>
    public long ResidentBytes() => StatusKb("VmRSS") * 1024;

    /// <summary>The largest resident set size so far (VmHWM), in bytes.</summary>
    public long PeakResidentBytes() => StatusKb("VmHWM") * 1024;

    private long StatusKb(string field)
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (!line.StartsWith(field + ":", StringComparison.Ordinal)) continue;
            var digits = new string(line.AsSpan(field.Length + 1).ToArray().Where(char.IsAsciiDigit).ToArray());
            return long.Parse(digits, System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidOperationException($"/proc/{_process.Id}/status has no {field} (is this Linux?)");
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > KeptLines) _lastLines.Dequeue();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await _process.WaitForExitAsync(timeout.Token); } catch (OperationCanceledException) { }
        }
        _process.Dispose();
    }
}
