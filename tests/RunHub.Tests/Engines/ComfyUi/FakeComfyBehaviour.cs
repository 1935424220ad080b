namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>How the fake ComfyUI misbehaves, set by a test before it submits.</summary>
internal sealed class FakeComfyBehaviour
{
    /// <summary>This node raises while executing (<c>execution_error</c>).</summary>
    public string? FailNode { get; set; }

    /// <summary>Every socket is cut as the prompt starts; the prompt still finishes.</summary>
    public bool DropSocketOnStart { get; set; }

    /// <summary>The socket accepts but never sends a frame.</summary>
    public bool SilentSocket { get; set; }

    /// <summary>The whole server goes away as the prompt starts (the port then refuses connections).</summary>
    public bool DieOnStart { get; set; }

    /// <summary>The prompt finishes but is never written to history (as after a restart that lost it).</summary>
    public bool ForgetHistory { get; set; }

    /// <summary><c>POST /prompt</c> answers 200 with an HTML page.</summary>
    public bool MalformedPromptAnswer { get; set; }

    /// <summary>The saved file is this many bytes of noise, sent without a Content-Length.</summary>
    public int? HugeOutputBytes { get; set; }

    /// <summary>What <c>/system_stats</c> reports as <c>system.comfyui_version</c> (null: leaves the field out).</summary>
    public string? Version { get; set; } = "0.3.64";

    /// <summary>Time between two sampler steps.</summary>
    public TimeSpan StepDelay { get; set; } = TimeSpan.FromMilliseconds(2);
}
