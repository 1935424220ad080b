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
    }

    /// <summary>The first problem as "where: what", or null when the text can be parsed and read safely.</summary>
    public static string? FindProblem(ReadOnlySpan<byte> json, int maxDepth)
    {
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (frames.Count >= maxDepth) return $"{PathOf(frames)}: nested deeper than {maxDepth} levels";
                        frames.Add(new Frame { IsArray = reader.TokenType == JsonTokenType.StartArray });
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        ValueDone(frames);
                        break;
                    case JsonTokenType.PropertyName:
                        if (TextProblem(ref reader) is { } nameProblem) return $"{PathOf(frames)}: a field name {nameProblem}";
                        var frame = frames[^1];
                        frame.Name = Cap(reader.GetString()!);
                        frames[^1] = frame;
                        break;
                    case JsonTokenType.String:
                        if (TextProblem(ref reader) is { } valueProblem) return $"{PathOf(frames)}: {valueProblem}";
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
            if (!Utf8.IsValid(json)) return "body: not valid UTF-8";
            return $"body: malformed JSON at line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}";
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

    /// <summary>Where the value being read sits: "body" at the top, else "a.b[2].c".</summary>
    private static string PathOf(List<Frame> frames)
    {
        var path = new System.Text.StringBuilder();
        foreach (var frame in frames)
        {
            if (frame.IsArray) path.Append(CultureInfo.InvariantCulture, $"[{frame.Index}]");
            else if (frame.Name is not null) path.Append(path.Length > 0 ? "." : "").Append(frame.Name);
        }
        return path.Length == 0 ? "body" : path.ToString();
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
