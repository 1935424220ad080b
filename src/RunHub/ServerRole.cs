namespace RunHub;

/// <summary>The role of a <c>runhub serve</c> process (<see cref="RunHubOptions.Role"/>).</summary>
public sealed record ServerRole(bool ServesApi, bool RunsTasks)
{
    public static ServerRole Parse(string? role) => (role ?? "all").Trim().ToLowerInvariant() switch
    {
        "all" or "" => new ServerRole(true, true),
        "api" => new ServerRole(true, false),
        "worker" => new ServerRole(false, true),
        _ => throw new ArgumentException($"RunHub:Role (--role): '{role}' is not one of all, api, worker"),
    };
}
