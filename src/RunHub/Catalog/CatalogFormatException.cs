namespace RunHub.Catalog;

/// <summary>
/// A registry, pricing or catalog file RunHub cannot load. The message names the file, the model
/// and the field, because the reader of it is an operator fixing a JSON file by hand.
/// </summary>
public sealed class CatalogFormatException : Exception
{
    public CatalogFormatException(string message) : base(message) { }

    public CatalogFormatException(string message, Exception innerException) : base(message, innerException) { }
}
