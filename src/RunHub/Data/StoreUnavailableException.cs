namespace RunHub.Data;

/// <summary>The configured store cannot be used (a bad connection string, an unreachable server, a schema too new); the message says which and never holds a password.</summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
