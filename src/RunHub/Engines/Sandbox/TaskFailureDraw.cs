using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// Maps a task id to a number in [0, 1) that never changes, so a configured failure rate fails the same
/// tasks on every node and every retry: a flaky test can be reproduced by its task id.
/// </summary>
internal static class TaskFailureDraw
{
    public static double Of(string taskId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(taskId));
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1ul << 53));
    }

    /// <summary>True when the task falls within <paramref name="failureRate"/> (clamped to 0..1; NaN means never).</summary>
    public static bool Fails(string taskId, double failureRate) =>
        !double.IsNaN(failureRate) && Of(taskId) < Math.Clamp(failureRate, 0, 1);
}
