using System.Data.Common;

namespace RunHub.WebConsole;

/// <summary>
/// Hides secrets in configuration shown to operators: a setting whose name says it is a secret shows only that it
/// is set; a connection string keeps its host and database but loses its password.
/// </summary>
public static class ConfigurationMask
{
    private static readonly string[] SecretWords = ["password", "secret", "apikey", "api_key", "token", "accesskey", "privatekey", "credential"];

    public static string Mask(string key, string value)
    {
        var name = key[(key.LastIndexOf(':') + 1)..].ToLowerInvariant();
        if (value.Length == 0) return value;
        if (SecretWords.Any(name.Contains) || name is "key" or "secretkey") return "•••••• (set)";
        if (name is "postgres" or "connectionstring" || value.Contains("password=", StringComparison.OrdinalIgnoreCase))
            return MaskConnectionString(value);
        return value;
    }

    private static string MaskConnectionString(string value)
    {
        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = value };
            foreach (var k in builder.Keys.Cast<string>().ToList())
                if (SecretWords.Any(k.ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal).Contains)) builder[k] = "******";
            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return "•••••• (set; not shown: it could not be read as a connection string)";
        }
    }
}
