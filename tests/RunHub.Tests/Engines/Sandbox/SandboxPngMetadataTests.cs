using System.Security.Cryptography;
using System.Text;
using RunHub.Engines.Sandbox;
using SkiaSharp;

using RunHub.Tests.Support;

namespace RunHub.Tests.Engines.Sandbox;

public sealed class SandboxPngMetadataTests
{
    private const string Prompt = "A sudden, massive explosion of colour over a quiet harbour";

    [Fact]
    public async Task Png_says_it_was_made_by_a_stand_in_not_a_generative_model()
    {
        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "1:1", TestImages.Png(64, 64, SKColors.Red)));

        var text = PngChunks.TextEntries(png);
        Assert.Equal("RunHub sandbox engine (a deterministic stand-in, not a generative model)", text["Software"]);
    }

    [Fact]
    public async Task Png_comment_carries_the_prompts_sha256_prefix()
    {
        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "1:1"));

        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Prompt)))[..16];
        Assert.Equal($"prompt sha256 prefix: {expected}", PngChunks.TextEntries(png)["Comment"]);
        Assert.DoesNotContain("harbour", Encoding.Latin1.GetString(png), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_chunks_follow_the_header_and_every_chunk_crc_is_valid()
    {
        var png = await SandboxJobs.Engine().RunPng(SandboxJobs.Job(Prompt, "1:1"));

        var chunks = PngChunks.Read(png);
        Assert.Equal(["IHDR", "tEXt", "tEXt"], chunks.Take(3).Select(c => c.Type));
        Assert.Equal("IEND", chunks[^1].Type);
        Assert.All(chunks, c => Assert.True(c.CrcValid, $"bad CRC on {c.Type}"));
    }

    [Fact]
    public void Png_crc_matches_the_standard_check_values()
    {
        Assert.Equal(0xCBF43926u, PngCrc32.Compute("123456789"u8));
        // Every PNG ends with IEND and this CRC.
        Assert.Equal(0xAE426082u, PngCrc32.Compute("IEND"u8));
        Assert.Equal(0u, PngCrc32.Compute([]));
    }
}
