namespace RunHub.Media;

/// <summary>An input that could not be fetched, was refused, or could not be decoded. The task fails with 1013.</summary>
public sealed class InputRejectedException(string message, Exception? inner = null) : Exception(message, inner);
