namespace RunHub.Files;

/// <summary>The storage settings are wrong or the bucket cannot be used; the message says what to fix and never holds a secret.</summary>
public sealed class StorageConfigurationException(string message, Exception? inner = null) : Exception(message, inner);
