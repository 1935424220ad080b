using System.Globalization;
using FFMpegCore;
using RunHub.Catalog;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The sandbox's audio result: a short melody of sine notes drawn from the variation hash, as an MP3 (LAME through
/// ffmpeg) or, when the model's <c>format</c>/<c>outputFormat</c> asks for it, a WAV. Its length:
/// <c>duration</c> (or <c>seconds</c>) when given; for speech (a <c>text</c> or <c>previewText</c> parameter) one
/// second per <see cref="CharactersPerSecond"/> characters at the requested <c>speed</c>; otherwise (music)
/// <see cref="MusicSeconds"/>; always 1 to <see cref="MaxSeconds"/> s. <c>sampleRate</c> and <c>bitrate</c> (bits per
/// second) are honoured when given. The MP3's ID3 <c>comment</c> and <c>title</c> and the WAV's <c>ICMT</c> and
/// <c>ISFT</c> carry the sandbox's mark.
/// </summary>
internal static class SandboxAudio
{
    public const double CharactersPerSecond = 12;
    public const double MusicSeconds = 30;
    public const double MaxSeconds = 120;
    public const int DefaultSampleRate = 44100;

    public static async Task<OutputFile> MakeAsync(SandboxRequest request, SandboxFfmpeg ffmpeg, CancellationToken cancellationToken)
    {
        var seconds = Seconds(request);
        var sampleRate = (int)Math.Clamp(request.Number("sampleRate", "sample_rate") ?? DefaultSampleRate, 8000, 48000);
        var comment = SandboxMark.PromptComment(request.Variation);
        var wav = SandboxWav.Write(SandboxMelody.Render(request.Variation, seconds, sampleRate), sampleRate, $"{SandboxMark.Software}; {comment}");
        if (request.Text("format", "outputFormat", "output_format", "audioFormat")?.ToLowerInvariant() == "wav")
            return new OutputFile("wav", wav);

        using var workspace = new SandboxWorkspace();
        var input = await workspace.WriteAsync("melody.wav", wav, cancellationToken).ConfigureAwait(false);
        var output = workspace.PathOf("audio.mp3");
        var kbps = (int)Math.Clamp(Math.Round((request.Number("bitrate") ?? 128000) / 1000), 32, 320);
        var command = FFMpegArguments.FromFileInput(input)
            .OutputToFile(output, true, o => o
                .WithCustomArgument($"-c:a libmp3lame -b:a {kbps}k -id3v2_version 3 -fflags +bitexact -flags:a +bitexact -map_metadata -1")
                .WithCustomArgument($"-metadata \"title={SandboxMark.Software}\" -metadata \"comment={SandboxMark.Software}; {comment}\""));
        await ffmpeg.RunAsync(command, "encode the audio", cancellationToken).ConfigureAwait(false);
        return new OutputFile("mp3", await File.ReadAllBytesAsync(output, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>The length in seconds, by the rules above.</summary>
    public static double Seconds(SandboxRequest request)
    {
        var asked = request.Number("duration", "seconds", "length");
        double seconds;
        if (asked > 0) seconds = asked.Value;
        else if (request.Text("text", "previewText") is { } speech)
            seconds = JsonValueText.CodePoints(speech) / CharactersPerSecond / Math.Clamp(request.Number("speed", "voiceSpeed") ?? 1, 0.25, 4);
        else seconds = MusicSeconds;
        return Math.Round(Math.Clamp(seconds, 1, MaxSeconds), 3);
    }

    internal static string Describe(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);
}
