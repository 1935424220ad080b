namespace RunHub.Engines.Sandbox;

/// <summary>
/// A melody of sine notes on a pentatonic scale: note lengths, pitches and the key all come from the variation hash,
/// so the same request always sounds the same and different prompts sound different. 16-bit mono samples.
/// </summary>
internal static class SandboxMelody
{
    private static readonly int[] Pentatonic = [0, 2, 4, 7, 9];

    public static short[] Render(PromptHash variation, double seconds, int sampleRate)
    {
        var sequence = variation.Sequence();
        var samples = new short[(int)Math.Round(seconds * sampleRate)];
        var root = 48 + sequence.Next(0, 12);                      // a MIDI note from C3 to B3
        var at = 0;
        while (at < samples.Length)
        {
            var length = Math.Min(samples.Length - at, (int)(sampleRate * (sequence.Next(1, 4) * 0.2)));
            var note = root + Pentatonic[sequence.Next(0, Pentatonic.Length)] + 12 * sequence.Next(0, 2);
            var frequency = 440 * Math.Pow(2, (note - 69) / 12.0);
            for (var i = 0; i < length; i++)
            {
                // A short fade in and out keeps the note edges from clicking.
                var envelope = Math.Min(1, Math.Min(i, length - i) / (sampleRate * 0.01));
                samples[at + i] = (short)(Math.Sin(2 * Math.PI * frequency * i / sampleRate) * envelope * 0.3 * short.MaxValue);
            }
            at += length;
        }
        return samples;
    }
}
