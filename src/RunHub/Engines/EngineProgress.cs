namespace RunHub.Engines;

/// <summary>
/// How far a running task got, as its backend tells it: percent done (0–100), the step or node it is on, and its
/// place in the backend's own queue (0 = running). Any part may be unknown.
/// </summary>
public sealed record EngineProgress(int? Percent = null, string? Node = null, int? QueuePosition = null);
