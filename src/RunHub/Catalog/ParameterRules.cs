using System.Globalization;
using System.Text.Json;
using RunHub.Media;

namespace RunHub.Catalog;

/// <summary>
/// The per-type rules of a present parameter value. Each check appends messages of the form
/// "field: rule" and returns whether the value passed.
/// </summary>
internal static class ParameterRules
{
    private const int ListedOptions = 20;

    /// <param name="oversized">Gets the fields (<c>imageUrls[0]</c>) whose inline <c>data:</c> file is larger than the
    /// parameter's <c>maxSize</c>; their messages are in <paramref name="errors"/> too.</param>
    public static bool Check(ParameterSpec spec, JsonElement value, List<string> errors, List<MediaReference> media, List<string>? oversized = null) => spec.Type switch
    {
        ParameterType.String => CheckString(spec, value, errors),
        ParameterType.List => CheckList(spec, value, errors),
        ParameterType.Boolean => CheckBoolean(spec, value, errors),
        ParameterType.Int => CheckNumber(spec, value, errors, integral: true),
        ParameterType.Float => CheckNumber(spec, value, errors, integral: false),
        _ => CheckMedia(spec, value, errors, media, oversized),
    };

    private static bool CheckString(ParameterSpec spec, JsonElement value, List<string> errors)
    {
        if (spec.MultipleInputs && value.ValueKind == JsonValueKind.Array)
        {
            var items = value.EnumerateArray().ToList();
            if (!CheckCount(spec, items.Count, "values", errors)) return false;
            var ok = true;
            for (var i = 0; i < items.Count; i++)
                ok &= CheckText(spec, $"{spec.FieldKey}[{i}]", items[i], errors);
            return ok;
        }
        return CheckText(spec, spec.FieldKey, value, errors);
    }

    private static bool CheckText(ParameterSpec spec, string name, JsonElement value, List<string> errors)
    {
        if (value.ValueKind != JsonValueKind.String)
            return Fail(errors, $"{name}: expected a string");
        var length = JsonValueText.CodePoints(value.GetString()!);
        if (length < spec.MinLength)
            return Fail(errors, $"{name}: length {length} is below the minimum of {spec.MinLength}");
        if (length > spec.MaxLength)
            return Fail(errors, $"{name}: length {length} is above the maximum of {spec.MaxLength}");
        return true;
    }

    private static bool CheckList(ParameterSpec spec, JsonElement value, List<string> errors)
    {
        var text = JsonValueText.Of(value);
        if (text is not null && (spec.Options.Count == 0 || spec.Options.Contains(text, StringComparer.Ordinal))) return true;
        var listed = string.Join(", ", spec.Options.Take(ListedOptions)) + (spec.Options.Count > ListedOptions ? ", …" : "");
        return Fail(errors, text is null
            ? $"{spec.FieldKey}: expected one of {listed}"
            : $"{spec.FieldKey}: {JsonValueText.Echo(value)} is not one of {listed}");
    }

    /// <summary>The strings "true"/"false" are taken as well: form-built clients send every value as text.</summary>
    private static bool CheckBoolean(ParameterSpec spec, JsonElement value, List<string> errors) =>
        JsonValueText.Of(value) is "true" or "false"
        || Fail(errors, $"{spec.FieldKey}: expected true or false, got {JsonValueText.Echo(value)}");

    /// <summary>Numeric strings are taken for the same reason as boolean strings. <c>step</c> is a UI hint and is not enforced.</summary>
    private static bool CheckNumber(ParameterSpec spec, JsonElement value, List<string> errors, bool integral)
    {
        var text = value.ValueKind is JsonValueKind.Number or JsonValueKind.String ? JsonValueText.Of(value)!.Trim() : null;
        var expected = integral ? "an integer" : "a number";
        if (text is null || !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
            return Fail(errors, $"{spec.FieldKey}: expected {expected}");
        if (integral && (number != Math.Floor(number) || Math.Abs(number) > 9_007_199_254_740_991))
            return Fail(errors, $"{spec.FieldKey}: expected an integer");
        if (number < spec.Min)
            return Fail(errors, $"{spec.FieldKey}: {JsonValueText.Cap(text)} is below the minimum of {JsonValueText.Number(spec.Min.Value)}");
        if (number > spec.Max)
            return Fail(errors, $"{spec.FieldKey}: {JsonValueText.Cap(text)} is above the maximum of {JsonValueText.Number(spec.Max.Value)}");
        return true;
    }

    /// <summary>
    /// A URL or, for a multiple-input field, a list of them (a lone string is one file). Formats
    /// (<c>accept</c>) and sizes (<c>maxSize</c>) of URLs are checked when the file is fetched, since a URL
    /// need not carry an extension and its size is unknown until it is read; an inline <c>data:</c> file's size is
    /// known here, and one larger than <c>maxSize</c> is refused now (issue 11: it was stored, then failed for free).
    /// </summary>
    private static bool CheckMedia(ParameterSpec spec, JsonElement value, List<string> errors, List<MediaReference> media, List<string>? oversized)
    {
        List<JsonElement> items;
        if (value.ValueKind == JsonValueKind.Array)
        {
            items = value.EnumerateArray().ToList();
            if (!spec.MultipleInputs)
                return Fail(errors, $"{spec.FieldKey}: expected a single URL string, got an array of {items.Count}");
            if (!CheckCount(spec, items.Count, "files", errors)) return false;
        }
        else
        {
            items = [value];
        }

        var found = new List<MediaReference>();
        for (var i = 0; i < items.Count; i++)
        {
            var name = value.ValueKind == JsonValueKind.Array ? $"{spec.FieldKey}[{i}]" : spec.FieldKey;
            if (items[i].ValueKind != JsonValueKind.String)
            {
                Fail(errors, $"{name}: expected a URL string");
                continue;
            }
            // Read once: an inline data: URL is the largest string of a request.
            var url = items[i].GetString()!;
            if (!IsFetchable(url))
                Fail(errors, $"{name}: {JsonValueText.Echo(items[i])} is not an http(s) URL or a data: URI");
            else if (InlineTooLarge(spec, url) is { } tooLarge)
            {
                Fail(errors, $"{name}: {tooLarge}");
                oversized?.Add(name);
            }
            else
                found.Add(new MediaReference(spec.FieldKey, i, url));
        }
        if (found.Count != items.Count) return false;
        media.AddRange(found);
        return true;
    }

    private static bool CheckCount(ParameterSpec spec, int count, string what, List<string> errors)
    {
        if (count == 0 && spec.Required)
            return Fail(errors, $"{spec.FieldKey}: 0 {what} given, at least 1 required");
        if (count > spec.MaxInputNum)
            return Fail(errors, $"{spec.FieldKey}: {count} {what} given, at most {spec.MaxInputNum} allowed");
        return true;
    }

    /// <summary>Why an inline file is too large for <paramref name="spec"/>, or null when it is not inline or fits.</summary>
    private static string? InlineTooLarge(ParameterSpec spec, string url)
    {
        if (DataUri.DecodedLength(url) is not { } length) return null;
        var limit = SizeLimit.For(spec.MaxSizeMb);
        if (length <= limit.Bytes) return null;
        var (given, most) = (Megabytes(length), Megabytes(limit.Bytes));
        // Just over the limit, both round to the same megabytes ("10 MB, more than the 10 MB"): the bytes say it.
        return given != most
            ? $"the inline file is {given} MB, more than the {most} MB this parameter takes"
            : string.Create(CultureInfo.InvariantCulture,
                $"the inline file is {length:N0} bytes, more than the {limit.Bytes:N0} bytes ({most} MB) this parameter takes");
    }

    private static string Megabytes(long bytes) => (bytes / 1024.0 / 1024).ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Whether the input fetcher can be asked for it; which hosts it may reach is the fetcher's (SSRF) decision.</summary>
    private static bool IsFetchable(string url)
    {
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase)) return url.Contains(',', StringComparison.Ordinal);
        return Uri.TryCreate(url, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.Host.Length > 0;
    }

    private static bool Fail(List<string> errors, string message)
    {
        errors.Add(message);
        return false;
    }
}
