using System.Security.Cryptography;
using RunHub.Catalog;
using RunHub.Engines;
using RunHub.Engines.Sandbox;
using RunHub.Tests.Support;
using SkiaSharp;

namespace RunHub.Tests.Engines.Sandbox;

/// <summary>Each output kind the sandbox makes, read back with an independent reader (ffprobe, the Khronos glTF validator).</summary>
public sealed class SandboxOutputKindTests
{
    private static readonly ParameterSpec Prompt = new() { FieldKey = "prompt", Type = ParameterType.String };
    private static readonly ParameterSpec Image = new() { FieldKey = "imageUrl", Type = ParameterType.Image };
    private static readonly ParameterSpec Video = new() { FieldKey = "videoUrl", Type = ParameterType.Video };

    private static async Task<OutputFile> RunOne(EngineJob job)
    {
        var output = await SandboxJobs.Engine().RunAsync(job, CancellationToken.None);
        return Assert.Single(output.Files);
    }

    [Theory]
    [InlineData("16:9", "720p", 5, null, 1280, 720, 24)]
    [InlineData("9:16", "480p", 3, null, 480, 854, 24)]
    [InlineData("1:1", "1080p", 2, 30, 1080, 1080, 30)]
    public async Task A_video_is_an_h264_mp4_of_the_requested_duration_size_and_frame_rate(string ratio, string resolution, int seconds, int? fps,
        int width, int height, int frameRate)
    {
        var parameters = new Dictionary<string, object> { ["prompt"] = "a lighthouse", ["aspectRatio"] = ratio, ["resolution"] = resolution, ["duration"] = seconds };
        if (fps is not null) parameters["targetFps"] = fps.Value;

        var file = await RunOne(SandboxJobs.Job(SandboxJobs.Model("video", Prompt), parameters));

        Assert.Equal("mp4", file.Extension);
        var probe = await MediaReaders.ProbeAsync(file.Data!, "mp4");
        var stream = MediaReaders.Stream(probe, "video");
        Assert.Equal("h264", (string?)stream["codec_name"]);
        Assert.Equal((width, height), ((int)stream["width"]!, (int)stream["height"]!));
        Assert.Equal($"{frameRate}/1", (string?)stream["r_frame_rate"]);
        Assert.InRange(MediaReaders.Duration(probe), seconds - 0.05, seconds + 0.05);
        Assert.Contains(SandboxMark.Software, MediaReaders.Tag(probe, "comment"), StringComparison.Ordinal);
        Assert.DoesNotContain(probe["streams"]!.AsArray(), s => (string?)s!["codec_type"] == "audio");
    }

    [Fact]
    public async Task A_video_asked_to_have_sound_has_an_aac_track_as_long_as_the_picture()
    {
        var model = SandboxJobs.Model("video", Prompt, new ParameterSpec { FieldKey = "sound", Type = ParameterType.Boolean });

        var file = await RunOne(SandboxJobs.Job(model, new Dictionary<string, object> { ["prompt"] = "a lighthouse", ["sound"] = true, ["duration"] = 2, ["resolution"] = "360p" }));

        var audio = MediaReaders.Stream(await MediaReaders.ProbeAsync(file.Data!, "mp4"), "audio");
        Assert.Equal("aac", (string?)audio["codec_name"]);
    }

    [Fact]
    public async Task A_video_of_a_video_input_takes_its_length_and_shape_and_shows_its_first_frame()
    {
        var input = await MediaReaders.MakeAsync("mp4", "-f", "lavfi", "-i", "color=c=red:size=320x240:rate=10:duration=3", "-pix_fmt", "yuv420p", "-c:v", "libx264");

        var file = await RunOne(SandboxJobs.Job(SandboxJobs.Model("video", Prompt, Video),
            new Dictionary<string, object> { ["prompt"] = "make it blue" }, ("videoUrl", input, "MP4")));

        var probe = await MediaReaders.ProbeAsync(file.Data!, "mp4");
        var stream = MediaReaders.Stream(probe, "video");
        Assert.Equal((320, 240), ((int)stream["width"]!, (int)stream["height"]!));
        Assert.InRange(MediaReaders.Duration(probe), 2.95, 3.05);
    }

    [Fact]
    public async Task The_same_video_request_gives_the_same_bytes_and_another_seed_other_bytes()
    {
        var model = SandboxJobs.Model("video", Prompt, new ParameterSpec { FieldKey = "seed", Type = ParameterType.Int });
        Dictionary<string, object> Request(int seed) => new() { ["prompt"] = "a lighthouse", ["duration"] = 1, ["resolution"] = "360p", ["seed"] = seed };

        var first = await RunOne(SandboxJobs.Job(model, Request(7)));
        var again = await RunOne(SandboxJobs.Job(model, Request(7)));
        var other = await RunOne(SandboxJobs.Job(model, Request(8)));

        Assert.Equal(SHA256.HashData(first.Data!), SHA256.HashData(again.Data!));
        Assert.NotEqual(SHA256.HashData(first.Data!), SHA256.HashData(other.Data!));
    }

    [Fact]
    public async Task Speech_is_an_mp3_whose_length_follows_the_text_and_says_it_is_the_sandboxs()
    {
        var model = SandboxJobs.Model("audio", new ParameterSpec { FieldKey = "text", Type = ParameterType.String });
        var text = new string('a', 120);                     // 120 characters at 12 a second

        var file = await RunOne(SandboxJobs.Job(model, new Dictionary<string, object> { ["text"] = text }));

        Assert.Equal("mp3", file.Extension);
        var probe = await MediaReaders.ProbeAsync(file.Data!, "mp3");
        Assert.Equal("mp3", (string?)MediaReaders.Stream(probe, "audio")["codec_name"]);
        Assert.InRange(MediaReaders.Duration(probe), 9.9, 10.2);
        Assert.Contains(SandboxMark.Software, MediaReaders.Tag(probe, "comment"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audio_asked_for_as_wav_is_a_pcm_wav_of_the_requested_duration_and_sample_rate()
    {
        var model = SandboxJobs.Model("audio", Prompt, new ParameterSpec { FieldKey = "format", Type = ParameterType.List, Options = ["mp3", "wav"] });

        var file = await RunOne(SandboxJobs.Job(model, new Dictionary<string, object> { ["prompt"] = "a sea shanty", ["format"] = "wav", ["duration"] = 4, ["sampleRate"] = 24000 }));

        Assert.Equal("wav", file.Extension);
        var probe = await MediaReaders.ProbeAsync(file.Data!, "wav");
        var stream = MediaReaders.Stream(probe, "audio");
        Assert.Equal("pcm_s16le", (string?)stream["codec_name"]);
        Assert.Equal("24000", (string?)stream["sample_rate"]);
        Assert.InRange(MediaReaders.Duration(probe), 3.99, 4.01);
        Assert.Contains(SandboxMark.Software, MediaReaders.Tag(probe, "comment"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_is_a_txt_result_without_a_file_that_says_it_comes_from_the_sandbox_and_never_changes()
    {
        var model = SandboxJobs.Model("string", Prompt, Image);
        var job = SandboxJobs.Job(model, new Dictionary<string, object> { ["prompt"] = "describe this" }, ("imageUrl", TestImages.Png(40, 30), "PNG"));

        var file = await RunOne(job);
        var again = await RunOne(job);

        Assert.Equal("txt", file.Extension);
        Assert.Null(file.Data);
        Assert.StartsWith($"[{SandboxMark.Software}]", file.Text, StringComparison.Ordinal);
        Assert.Contains("imageUrl[0]: PNG", file.Text, StringComparison.Ordinal);
        Assert.Equal(file.Text, again.Text);
    }

    [Theory]
    [InlineData("both", true)]
    [InlineData("mesh", false)]
    public async Task A_3d_model_is_a_glb_the_khronos_validator_accepts_textured_unless_asked_for_geometry_only(string requestType, bool textured)
    {
        var model = SandboxJobs.Model("3d", Image, new ParameterSpec { FieldKey = "requestType", Type = ParameterType.List, Options = ["mesh", "both"] });

        var file = await RunOne(SandboxJobs.Job(model, new Dictionary<string, object> { ["requestType"] = requestType }, ("imageUrl", TestImages.Png(64, 64, SKColors.Red), "PNG")));

        Assert.Equal("glb", file.Extension);
        var report = await MediaReaders.ValidateGlbAsync(file.Data!);
        Assert.Equal(0, (int)report["issues"]!["numErrors"]!);
        Assert.Equal(SandboxMark.Software, (string?)report["info"]!["generator"]);
        Assert.Equal(SandboxGlb.Rings * SandboxGlb.Segments * 2 - 2 * SandboxGlb.Segments, (int)report["info"]!["totalTriangleCount"]!);
        Assert.Equal(0, (int)report["issues"]!["numWarnings"]!);
        Assert.Equal(textured, (bool)report["info"]!["hasTextures"]!);
        Assert.True((bool)report["info"]!["hasDefaultScene"]!);
    }

    [Theory]
    [InlineData("jpeg", "jpg", "mjpeg")]
    [InlineData("webp", "webp", "webp")]
    [InlineData("png", "png", "png")]
    public async Task Pictures_come_in_the_format_the_model_answers_with_the_sandboxs_mark_inside(string format, string extension, string codec)
    {
        var model = SandboxJobs.Model("image", Prompt, new ParameterSpec { FieldKey = "outputFormat", Type = ParameterType.List, Options = ["png", "jpeg", "webp"] });

        var file = await RunOne(SandboxJobs.Job(model, new Dictionary<string, object> { ["prompt"] = "a lighthouse", ["outputFormat"] = format, ["size"] = "320*200" }));

        Assert.Equal(extension, file.Extension);
        var stream = MediaReaders.Stream(await MediaReaders.ProbeAsync(file.Data!, extension), "video");
        Assert.Equal(codec, (string?)stream["codec_name"]);
        Assert.Equal((320, 200), ((int)stream["width"]!, (int)stream["height"]!));
        Assert.True(SandboxResultChecks.Contains(file.Data!, SandboxMark.Software));
    }

    [Theory]
    [InlineData("numImages", 3, 3)]
    [InlineData("n", 2, 2)]
    [InlineData("imageNum", "4", 4)]
    public async Task A_count_parameter_gives_that_many_different_pictures(string key, object count, int expected)
    {
        var model = SandboxJobs.Model("image", Prompt);

        var output = await SandboxJobs.Engine().RunAsync(SandboxJobs.Job(model, new Dictionary<string, object> { ["prompt"] = "a lighthouse", ["size"] = "64*64", [key] = count }), CancellationToken.None);

        Assert.Equal(expected, output.Files.Count);
        Assert.Equal(expected, output.Files.Select(f => Convert.ToHexString(SHA256.HashData(f.Data!))).Distinct().Count());
    }

    [Fact]
    public async Task Sequential_generation_set_to_auto_returns_max_images_pictures()
    {
        var model = SandboxJobs.Model("image", Prompt);
        var parameters = new Dictionary<string, object> { ["prompt"] = "a comic strip", ["size"] = "64*64", ["sequentialImageGeneration"] = "auto", ["maxImages"] = 3 };

        var output = await SandboxJobs.Engine().RunAsync(SandboxJobs.Job(model, parameters), CancellationToken.None);

        Assert.Equal(3, output.Files.Count);
    }
}
