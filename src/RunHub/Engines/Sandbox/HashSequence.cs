namespace RunHub.Engines.Sandbox;

/// <summary>
/// A deterministic stream of numbers seeded from a hash (SplitMix64). Written out rather than using
/// <see cref="Random"/> because the sandbox promises byte-identical output, and that must not depend on
/// the runtime's choice of generator.
/// </summary>
internal sealed class HashSequence
{
    private ulong _state;

    public HashSequence(ReadOnlySpan<byte> seed)
    {
        for (var i = 0; i < seed.Length; i++)
            _state = (_state << 8 | _state >> 56) ^ seed[i];
    }

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1ul << 53));

    /// <summary>Uniform in [min, max).</summary>
    public float Range(float min, float max) => (float)(min + (max - min) * NextDouble());

    /// <summary>Uniform in [min, maxExclusive).</summary>
    public int Next(int min, int maxExclusive) => min + (int)(NextDouble() * (maxExclusive - min));
}
