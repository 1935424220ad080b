using System.Text.Json;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli;

/// <summary>
/// Only <c>serve</c> creates a data folder; the admin commands say which database they use; what stops a start is
/// one plain line with exit code 1, never a stack trace.
/// </summary>
public sealed class DataFolderAndStartupErrorTests
{
    private static void AssertOnePlainLine(string stdout, string stderr)
    {
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("runhub: ", stderr);
        Assert.DoesNotContain("   at ", stdout + stderr);
        Assert.DoesNotContain("Exception", stdout + stderr);
    }

    [Fact]
    public async Task Admin_commands_refuse_a_folder_without_a_database_and_say_how_to_name_the_right_one()
    {
        using var root = new TempDirectory();
        var mistyped = Path.Combine(root.Path, "dta");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["accounts", "create", "--name", "team-a", "--data", mistyped]);

        Assert.Equal(1, code);
        AssertOnePlainLine(stdout, stderr);
        Assert.Contains($"no RunHub database in {mistyped} (no such folder)", stderr);
        Assert.Contains("--data DIR or RunHub__DataDir", stderr);
        Assert.False(Directory.Exists(mistyped), "the command created the folder");

        // The same through the environment, on a folder that exists but holds no database: nothing is written there.
        (code, stdout, stderr) = await ServerProcess.RunAsync(["keys", "list"], new Dictionary<string, string> { ["RunHub__DataDir"] = root.Path });
        Assert.Equal(1, code);
        Assert.Contains($"no RunHub database in {root.Path} (the folder has no runhub.db)", stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root.Path));
    }

    [Fact]
    public async Task Admin_commands_name_the_database_they_used_in_json_and_with_verbose()
    {
        using var data = new TempDirectory();
        new RunHub.Data.SqliteDatabase(data.Path).Dispose();
        var expected = "SQLite " + Path.Combine(data.Path, "runhub.db");

        var (code, stdout, _) = await ServerProcess.RunAsync(["accounts", "create", "--name", "team-a", "--json", "--data", data.Path]);
        Assert.Equal(0, code);
        Assert.Equal(expected, JsonDocument.Parse(stdout).RootElement.GetProperty("database").GetString());

        (code, stdout, _) = await ServerProcess.RunAsync(["keys", "list", "--json", "--data", data.Path]);
        Assert.Equal(expected, JsonDocument.Parse(stdout).RootElement.GetProperty("database").GetString());

        (code, stdout, var stderr) = await ServerProcess.RunAsync(["accounts", "list", "--verbose", "--data", data.Path]);
        Assert.Equal(0, code);
        Assert.Equal($"runhub: using {expected}", stderr.Trim());
        Assert.Contains("team-a", stdout);
    }

    [Fact]
    public async Task A_data_folder_that_cannot_be_used_stops_serve_with_one_line()
    {
        using var root = new TempDirectory();
        var file = Path.Combine(root.Path, "not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", Path.Combine(file, "data")]);

        Assert.Equal(1, code);
        AssertOnePlainLine(stdout, stderr);
        Assert.Contains($"cannot use the data folder {Path.Combine(file, "data")}", stderr);
        Assert.Contains("--data DIR or RunHub__DataDir", stderr);
    }

    [Fact]
    public async Task An_unreachable_PostgreSQL_stops_serve_and_the_admin_commands_with_one_line_without_the_password()
    {
        using var data = new TempDirectory();
        var environment = new Dictionary<string, string>
        {
            ["RunHub__Store__Postgres"] = $"Host=127.0.0.1;Port={ServerProcess.FreePort()};Database=runhub;Username=runhub;Password=pw-must-not-show;Timeout=3",
        };
        foreach (var args in new[] { new[] { "serve", "--urls", "http://127.0.0.1:0", "--data", data.Path }, ["accounts", "list"] })
        {
            var (code, stdout, stderr) = await ServerProcess.RunAsync(args, environment);
            Assert.Equal(1, code);
            AssertOnePlainLine(stdout, stderr);
            Assert.Contains("PostgreSQL 127.0.0.1", stderr);
            Assert.DoesNotContain("pw-must-not-show", stdout + stderr);
        }
    }

    [Fact]
    public async Task A_catalog_with_an_error_stops_serve_with_one_line()
    {
        using var data = new TempDirectory();
        using var catalog = new TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(catalog.Path, "models.json"), "{\"models\": [ {\"endpoint\": ");

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data.Path],
            new Dictionary<string, string> { ["RunHub__CatalogDir"] = catalog.Path });

        Assert.Equal(1, code);
        AssertOnePlainLine(stdout, stderr);
        Assert.Contains("models.json", stderr);
    }

    /// <summary>Before 2026-12-01 the line was the configuration binder's own, naming .NET's types ("to type 'System.Int32'") but no fix.</summary>
    [Fact]
    public async Task A_setting_of_the_wrong_type_stops_serve_and_the_admin_commands_with_one_line_saying_what_to_write()
    {
        using var data = new TempDirectory();

        var (code, stdout, stderr) = await ServerProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0", "--data", data.Path],
            new Dictionary<string, string> { ["RunHub__Queue__Workers"] = "many" });
        Assert.Equal(1, code);
        AssertOnePlainLine(stdout, stderr);
        Assert.Equal("runhub: RunHub:Queue:Workers (RunHub__Queue__Workers) is 'many'; use a whole number such as 4", stderr.Trim());

        (code, stdout, stderr) = await ServerProcess.RunAsync(["accounts", "list", "--data", data.Path],
            new Dictionary<string, string> { ["RunHub__Limits__RefuseOverConcurrency"] = "maybe", ["RunHub__Queue__LeaseSeconds"] = "30s" });
        Assert.Equal(1, code);
        AssertOnePlainLine(stdout, stderr);
        Assert.Matches(@"^runhub: RunHub:(Limits:RefuseOverConcurrency \(RunHub__Limits__RefuseOverConcurrency\) is 'maybe'; use true or false|"
            + @"Queue:LeaseSeconds \(RunHub__Queue__LeaseSeconds\) is '30s'; use a number such as 30 or 2\.5 \(a dot before the decimals\))$", stderr.Trim());

        // A number too large for the setting says how large it may be.
        (code, stdout, stderr) = await ServerProcess.RunAsync(["accounts", "list", "--data", data.Path],
            new Dictionary<string, string> { ["RunHub__Queue__Workers"] = "99999999999" });
        Assert.Equal(1, code);
        Assert.Equal("runhub: RunHub:Queue:Workers (RunHub__Queue__Workers) is '99999999999'; use a whole number no larger than 2147483647", stderr.Trim());
    }
}
