using System.Text.Json;

namespace RunHub.Client;

/// <summary>One parameter of a model, in the registry's own terms.</summary>
/// <param name="FieldKey">The name to use in the submit body.</param>
/// <param name="Type">STRING, LIST, BOOLEAN, INT, FLOAT, IMAGE, VIDEO or AUDIO.</param>
/// <param name="Required">Whether a submit must include it.</param>
/// <param name="Options">The allowed values of a LIST parameter (empty otherwise).</param>
/// <param name="DefaultValue">The registry's default, as text, when it has one.</param>
/// <param name="Raw">The parameter entry exactly as received (limits such as <c>maxLength</c>, <c>min</c>, <c>maxSize</c>).</param>
public sealed record ModelParameter(string FieldKey, string Type, bool Required, IReadOnlyList<string> Options, string? DefaultValue, JsonElement Raw);
