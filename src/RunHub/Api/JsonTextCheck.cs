using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;

namespace RunHub.Api;

/// <summary>
/// One pass over a JSON text that finds what would make reading it fail later: malformed JSON, nesting past the
/// budget, text that is not valid UTF-8, and <c>\uD800</c>-style escapes of lone UTF-16 surrogates (which .NET
/// only rejects, with an exception, when the string is read). Each problem is named by where it is, as a client
/// would write it: <c>prompt</c>, <c>imageUrls[1]</c>, <c>nodeInfoList[0].fieldValue</c>.
/// </summary>
internal static class JsonTextCheck
{
    private const int NameLimit = 60;

    private struct Frame
    {
        public bool IsArray;
        public int Index;
        public string? Name;
        public HashSet<string>? Names;
    }

    /// <summary>The first problem as "where: what", or null when the text can be parsed and read safely.</summary>
    /// <param name="root">What the text is, for a problem at its top (<c>body</c>, <c>workflow</c>); a problem inside it is
    /// named by its path alone for <c>body</c>, else after the root (<c>workflow: 3.inputs.steps</c>).</param>
    /// <param name="lenient">Comments and trailing commas allowed, as in an operator's workflow file.</param>
    /// <param name="uniqueNames">A field name given twice in one object is a problem (where a reader would keep the last
    /// value, or, as <see cref="System.Text.Json.Nodes.JsonObject"/>, throw when the object is first used).</param>
    public static string? FindProblem(ReadOnlySpan<byte> json, int maxDepth, string root = "body", bool lenient = false, bool uniqueNames = false)
    {
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions
        {
            MaxDepth = maxDepth + 1,
            CommentHandling = lenient ? JsonCommentHandling.Skip : JsonCommentHandling.Disallow,
            AllowTrailingCommas = lenient,
        });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (frames.Count >= maxDepth) return $"{PathOf(frames, root)}: nested deeper than {maxDepth} levels";
                        frames.Add(new Frame { IsArray = reader.TokenType == JsonTokenType.StartArray });
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        ValueDone(frames);
                        break;
                    case JsonTokenType.PropertyName:
                        if (TextProblem(ref reader) is { } nameProblem) return $"{PathOf(frames, root)}: a field name {nameProblem}";
                        var frame = frames[^1];
                        var name = reader.GetString()!;
                        frame.Name = Cap(name);
                        var repeated = uniqueNames && !(frame.Names ??= new HashSet<string>(StringComparer.Ordinal)).Add(name);
                        frames[^1] = frame;
                        if (repeated) return $"{PathOf(frames, root)}: given more than once in one object";
                        break;
                    case JsonTokenType.String:
                        if (TextProblem(ref reader) is { } valueProblem) return $"{PathOf(frames, root)}: {valueProblem}";
                        ValueDone(frames);
                        break;
                    default:
                        ValueDone(frames);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            if (!Utf8.IsValid(json)) return $"{root}: not valid UTF-8";
            return $"{root}: malformed JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}";
        }
        return null;
    }

    private static void ValueDone(List<Frame> frames)
    {
        if (frames.Count == 0 || !frames[^1].IsArray) return;
        var frame = frames[^1];
        frame.Index++;
        frames[^1] = frame;
    }

    /// <summary>Where the value being read sits: the root ("body") at the top, else "a.b[2].c" ("workflow: a.b[2].c" for another root).</summary>
    private static string PathOf(List<Frame> frames, string root)
    {
        var path = new System.Text.StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray) path.Append(CultureInfo.InvariantCulture, $"[{frame.Index}]");
            else if (frame.Name is not null) path.Append(path.Length > 0 ? "." : "").Append(frame.Name);
        }
        return path.Length == 0 ? root : root == "body" ? path.ToString() : $"{root}: {path}";
    }

    private static string? TextProblem(ref Utf8JsonReader reader)
    {
        var raw = reader.ValueSpan;
        if (!Utf8.IsValid(raw)) return "is not valid UTF-8 text";
        return reader.ValueIsEscaped && LoneSurrogate(raw) is { } unit
            ? $"holds an unpaired surrogate escape (\\u{unit:X4}); text must be valid Unicode"
            : null;
    }

    /// <summary>
    /// The first <c>\uXXXX</c> escape of a surrogate not paired as high-then-low, or null. The reader has already
    /// checked that every escape is well formed, so only the pairing is left to check.
    /// </summary>
    private static int? LoneSurrogate(ReadOnlySpan<byte> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != (byte)'\\') continue;
            if (raw[i + 1] != (byte)'u')
            {
                i++;
                continue;
            }
            var unit = Hex(raw.Slice(i + 2, 4));
            i += 5;
            if (unit is >= 0xDC00 and <= 0xDFFF) return unit;
            if (unit is < 0xD800 or > 0xDBFF) continue;
            if (i + 6 < raw.Length && raw[i + 1] == (byte)'\\' && raw[i + 2] == (byte)'u' && Hex(raw.Slice(i + 3, 4)) is >= 0xDC00 and <= 0xDFFF)
            {
                i += 6;
                continue;
            }
            return unit;
        }
        return null;
    }

    private static int Hex(ReadOnlySpan<byte> digits) =>
        Utf8Parser.TryParse(digits, out int value, out _, 'X') ? value : -1;

    /// <summary>Cut short, never between the halves of a surrogate pair.</summary>
    private static string Cap(string name)
    {
        if (name.Length <= NameLimit) return name;
        var cut = char.IsHighSurrogate(name[NameLimit - 1]) ? NameLimit - 1 : NameLimit;
        return name[..cut] + "…";
    }
}
