using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace RunHub.Tests.Support;

/// <summary>
/// The built <c>runhub</c> command as a real child process (<c>dotnet runhub.dll ...</c>), for tests that kill it
/// or read what it prints.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string BaseUrl { get; }

    /// <summary>The operating system's id of the process (part of its workers' lease owner name).</summary>
    public int ProcessId => _process.Id;

    public string Output { get { lock (_output) return _output.ToString(); } }

    /// <summary>Completes when the output (stdout and stderr) contains <paramref name="text"/>; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check() { if (Output.Contains(text, StringComparison.Ordinal)) seen.TrySetResult(); }
        lock (_output) _outputChanged += Check;
        try
        {
            Check();
            await seen.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"runhub printed no '{text}' within {timeout}:\n{Output}");
        }
        finally
        {
            lock (_output) _outputChanged -= Check;
        }
    }

    private event Action? _outputChanged;

    private void Append(string? line)
    {
        Action? changed;
        lock (_output)
        {
            _output.AppendLine(line);
            changed = _outputChanged;
        }
        changed?.Invoke();
    }

    public static string RunHubDll => Path.Combine(AppContext.BaseDirectory, "runhub.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        info.ArgumentList.Add(RunHubDll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return info;
    }

    /// <summary>Starts <c>runhub serve</c> on a free loopback port and waits until /healthz answers.</summary>
    public static async Task<ServerProcess> StartAsync(string dataDir, IDictionary<string, string>? environment = null)
    {
        var baseUrl = $"http://127.0.0.1:{FreePort()}";
        var process = Process.Start(StartInfo(["serve", "--urls", baseUrl, "--data", dataDir], environment))!;
        var server = new ServerProcess(process, baseUrl);
        // Readiness is /healthz answering; the deadline only bounds a server that never comes up. A fresh process
        // compiles its whole pipeline on its first request, which on a saturated 2-core machine takes many seconds:
        // both bounds are generous so that load alone never fails a test.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(240);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(process.HasExited, "runhub serve exited early:\n" + server.Output);
            try
            {
                if ((await http.GetAsync(baseUrl + "/healthz")).IsSuccessStatusCode) return server;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        await server.DisposeAsync();
        throw new TimeoutException("runhub serve did not become healthy:\n" + server.Output);
    }

    /// <summary>Waits (at most 10 s) until the server has printed <paramref name="text"/>; returns all its output.</summary>
    public async Task<string> WaitForOutputAsync(string text)
    {
        await WaitForOutputAsync(text, TimeSpan.FromSeconds(10));
        return Output;
    }

    /// <summary>Runs a runhub command to its end and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) await KillAsync();
        _process.Dispose();
    }
}
