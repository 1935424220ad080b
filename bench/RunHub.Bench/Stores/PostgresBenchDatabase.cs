using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;
using RunHub.Bench.Servers;

namespace RunHub.Bench.Stores;

/// <summary>
/// A database of the group's own on the PostgreSQL server given with <c>--postgres</c>, created empty (the server
/// migrates it on start) and dropped at the end. Accounts are made by the built <c>runhub accounts create</c>,
/// pointed at it through the same setting the server uses.
/// </summary>
internal sealed class PostgresBenchDatabase : BenchDatabase
{
    private readonly string _admin;
    private readonly string _name;
    private readonly string _runhubDll;

    private PostgresBenchDatabase(string dataDir, string admin, string name, string runhubDll) : base(dataDir)
    {
        _admin = admin;
        _name = name;
        _runhubDll = runhubDll;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        ServerEnvironment = new Dictionary<string, string> { ["RunHub__Store__Postgres"] = ConnectionString };
    }

    public string ConnectionString { get; }

    public override IReadOnlyDictionary<string, string> ServerEnvironment { get; }

    public static async Task<PostgresBenchDatabase> CreateAsync(string adminConnectionString, string group, string dataDir, string runhubDll)
    {
        var name = $"runhub_bench_{group.Replace('-', '_')}_{Guid.NewGuid().ToString("N")[..8]}";
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }
        return new PostgresBenchDatabase(dataDir, adminConnectionString, name, runhubDll);
    }

    public override async Task<DbConnection> OpenAsync()
    {
        var db = new NpgsqlConnection(ConnectionString);
        await db.OpenAsync();
        return db;
    }

    public override BenchAccount CreateAccount(string name, decimal balance)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { _runhubDll, "accounts", "create", "--name", name, "--balance", balance.ToString(CultureInfo.InvariantCulture), "--json" })
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in ServerEnvironment) info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"runhub accounts create failed ({process.ExitCode}): {error}");
        using var json = JsonDocument.Parse(output);
        return new BenchAccount(json.RootElement.GetProperty("accountId").GetString()!, json.RootElement.GetProperty("apiKey").GetString()!);
    }

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(_admin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}
