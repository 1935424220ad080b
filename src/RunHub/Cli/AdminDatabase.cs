using System.CommandLine;
using RunHub.Data;

namespace RunHub.Cli;

/// <summary>
/// The database the admin commands (<c>accounts</c>, <c>keys</c>) work on: PostgreSQL when
/// <c>RunHub__Store__Postgres</c> is set, else the SQLite database of an existing data folder. Only <c>serve</c>
/// creates a data folder: an admin command run from the wrong folder, or with a mistyped <c>--data</c>, stops
/// instead of quietly creating an empty database whose keys the running server would reject.
/// </summary>
public static class AdminDatabase
{
    /// <summary>Opens the configured database and, with <c>--verbose</c>, says which one on stderr.</summary>
    /// <exception cref="StoreUnavailableException">There is no RunHub database in the data folder, or it cannot be opened.</exception>
    public static Database Open(ParseResult parse, Option<string?> data, Option<bool> verbose)
    {
        var database = OpenExisting(CommandConfiguration.Load(parse.GetValue(data)));
        if (parse.GetValue(verbose)) Console.Error.WriteLine($"runhub: using {database.Description}");
        return database;
    }

    /// <exception cref="StoreUnavailableException">There is no RunHub database in the data folder, or it cannot be opened.</exception>
    public static Database OpenExisting(RunHubOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Store.Postgres)) return Database.FromOptions(options);
        var folder = RunHubApp.DataDirectory(options);
        if (!File.Exists(Path.Combine(folder, SqliteDatabase.FileName)))
            throw new StoreUnavailableException(
                $"no RunHub database in {folder} ({(Directory.Exists(folder) ? $"the folder has no {SqliteDatabase.FileName}" : "no such folder")}): " +
                "name the server's data folder with --data DIR or RunHub__DataDir (or set RunHub__Store__Postgres), " +
                "or start 'runhub serve' there once to create it");
        return Database.FromOptions(options);
    }
}
