using System.Text.RegularExpressions;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task First_start_on_an_empty_database_prints_a_working_key_once_with_a_curl_line()
    {
        using var data = new TempDirectory();
        var dataDir = data.Path;
        string key;
        await using (var server = await ServerProcess.StartAsync(dataDir))
        {
            var output = await server.WaitForOutputAsync("curl");
            key = Regex.Match(output, "shown only this once: ([0-9a-f]{32})").Groups[1].Value;
            Assert.Equal(32, key.Length);
            Assert.Contains($"curl -s -X POST {server.BaseUrl}/openapi/v2/", output);
            Assert.Contains($"Created a new data folder: {Path.GetFullPath(dataDir)}", output);
            Assert.DoesNotContain("schema upgraded", output);
            using var http = new HttpClient { BaseAddress = new Uri(server.BaseUrl) };
            var caller = new ApiCaller(http, "", key);
            Assert.Equal(10m, await caller.BalanceAsync());
            var submitted = await caller.SubmitAsync("rhart-image-g-1.5/text-to-image", new { prompt = "first run works", aspectRatio = "2:3" });
            Assert.Equal("SUCCESS", (string)(await caller.WaitAsync((string)submitted["taskId"]!))["status"]!);

            // The account commands work on the live server's data, and their keys work at once.
            var (code, stdout, stderr) = await ServerProcess.RunAsync(["accounts", "create", "--name", "while-running", "--balance", "2", "--json", "--data", dataDir]);
            Assert.True(code == 0, stderr);
            var newKey = System.Text.Json.JsonDocument.Parse(stdout).RootElement.GetProperty("apiKey").GetString()!;
            Assert.Equal(2m, await new ApiCaller(http, "", newKey).BalanceAsync());
            Assert.Equal(0, (await ServerProcess.RunAsync(["keys", "revoke", newKey, "--data", dataDir])).ExitCode);
            // Revoked by another process: the server's cache of live keys lets go within its lifetime (2 s).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while ((int)(await new ApiCaller(http, "", newKey).PostAsync("/uc/openapi/accountStatus", "{}"))["code"]! != 1002)
            {
                Assert.True(DateTime.UtcNow < deadline, "a key revoked by the command still works after 10 s");
                await Task.Delay(100);
            }
        }
        await using (var again = await ServerProcess.StartAsync(dataDir))
        {
            await again.WaitForOutputAsync("listening");
            Assert.DoesNotContain(key, again.Output);
            Assert.DoesNotContain("shown only this once", again.Output);
            Assert.Contains($"Database: SQLite {Path.Combine(Path.GetFullPath(dataDir), "runhub.db")}", again.Output);
            Assert.DoesNotContain("schema upgraded", again.Output);
            // How many models it serves, and from where (the catalog folder shipped beside the program).
            Assert.Matches(@"Catalog: [1-9][0-9]* models? from \S*catalog", again.Output);
        }
    }

    [Fact]
    public async Task Serve_on_a_database_of_an_older_version_says_which_schema_steps_it_applied()
    {
        using var data = new TempDirectory();
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(data.Path, "runhub.db")};Pooling=False"))
        {
            old.Open();
            RunHub.Data.SqliteSchema.Migrate(old, upTo: 17);
        }
        await using var server = await ServerProcess.StartAsync(data.Path);
        var output = await server.WaitForOutputAsync("Catalog:");
        var steps = RunHub.Data.SqliteSchema.StepCount;
        Assert.Contains($"Database schema upgraded from step 17 to step {steps} ({steps - 17} steps)", output);
    }

    [Fact]
    public async Task A_schema_step_that_fails_stops_serve_saying_which_step_and_that_nothing_changed()
    {
        using var data = new TempDirectory();
        var file = Path.Combine(data.Path, "runhub.db");
        using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False"))
        {
            old.Open();
            RunHub.Data.SqliteSchema.Migrate(old, upTo: 19);
            // Changed by hand: step 20 drops this index.
            Dapper.SqlMapper.Execute(old, "DROP INDEX tasks_pending");
        }

        var (code, _, stderr) = await ServerProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data.Path]);

        Assert.Equal(1, code);
        // Before, it said to check that the folder could be read and written.
        Assert.StartsWith("runhub: schema step 20 failed (SQLite Error 1: 'no such index: tasks_pending'); nothing was changed, the database stays at step 19",
            stderr.Trim());
        Assert.DoesNotContain("read and write", stderr);
        using var check = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        check.Open();
        Assert.Equal(19L, Dapper.SqlMapper.ExecuteScalar<long>(check, "SELECT max(version) FROM schema_version"));
    }

    [Fact]
    public async Task Serve_on_a_port_already_in_use_exits_1_with_a_clear_message()
    {
        using var data = new TempDirectory();
        using var occupant = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((System.Net.IPEndPoint)occupant.LocalEndpoint).Port;
        var (code, stdout, stderr) = await ServerProcess.RunAsync(["serve", "--urls", $"http://127.0.0.1:{port}", "--data", data.Path]);
        Assert.Equal(1, code);
        Assert.Equal($"runhub: cannot listen: http://127.0.0.1:{port} is already in use by another program; stop it or choose another " +
            "address with --urls (or ASPNETCORE_URLS)", stderr.Trim());
        // The host's own report of the failed start, with its stack trace, is held back (it goes to the debug log).
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain("Hosting failed to start", stdout);
    }
}
