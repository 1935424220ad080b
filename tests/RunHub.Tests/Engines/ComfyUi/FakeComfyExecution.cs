using System.Text.Json.Nodes;
using SkiaSharp;

namespace RunHub.Tests.Engines.ComfyUi;

/// <summary>The fake's one worker: runs queued prompts in order and emits the frames ComfyUI's executor emits.</summary>
internal sealed partial class FakeComfyUi
{
    private int _saved;

    private async Task WorkAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await _work.WaitAsync(_stopping.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            QueuedPrompt? item;
            lock (_queueLock)
            {
                item = _pending.OrderBy(p => p.Number).FirstOrDefault();
                if (item is null) continue;
                _pending.Remove(item);
                _running = item;
            }
            try
            {
                await ExecuteAsync(item);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                lock (_queueLock) _running = null;
            }
            await SendAsync(null, "status", new JsonObject { ["status"] = QueueInfo() });
        }
    }

    private async Task ExecuteAsync(QueuedPrompt item)
    {
        var messages = new JsonArray();
        async Task Frame(string type, JsonObject data, bool kept = false)
        {
            data["prompt_id"] = item.PromptId;
            if (kept)
            {
                data["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                messages.Add(new JsonArray(type, data.DeepClone()));
            }
            await SendAsync(item.ClientId, type, data);
        }

        await Frame("execution_start", [], kept: true);
        if (Behaviour.DieOnStart)
        {
            await StopServerAsync();
            return;
        }
        if (Behaviour.DropSocketOnStart)
            foreach (var socket in _sockets.Values) socket.Abort();
        await Frame("execution_cached", new JsonObject { ["nodes"] = new JsonArray() }, kept: true);

        var outputs = new JsonObject();
        var executed = new JsonArray();
        foreach (var id in FakeComfyNodes.ExecutionOrder(item.Prompt))
        {
            var node = item.Prompt[id]!.AsObject();
            var classType = (string)node["class_type"]!;
            await Frame("executing", new JsonObject { ["node"] = id, ["display_node"] = id });
            if (item.Interrupt.Task.IsCompleted)
            {
                await Frame("execution_interrupted", new JsonObject { ["node_id"] = id, ["node_type"] = classType, ["executed"] = executed.DeepClone() }, kept: true);
                await FinishAsync(item, outputs, messages, "error");
                return;
            }
            if (Behaviour.FailNode == id)
            {
                await Frame("execution_error", new JsonObject
                {
                    ["node_id"] = id, ["node_type"] = classType, ["executed"] = executed.DeepClone(),
                    ["exception_message"] = "Allocation on device 0 would exceed allowed memory. (out of memory)\n",
                    ["exception_type"] = "torch.OutOfMemoryError",
                    ["traceback"] = new JsonArray("  File \"/ComfyUI/execution.py\", line 496, in execute\n", "  File \"/ComfyUI/nodes.py\", line 1520, in sample\n"),
                    ["current_inputs"] = new JsonObject(), ["current_outputs"] = new JsonObject(),
                }, kept: true);
                await FinishAsync(item, outputs, messages, "error");
                return;
            }
            if (classType == "KSampler")
            {
                var steps = Math.Clamp((int)node["inputs"]!["steps"]!, 1, 20);
                for (var step = 1; step <= steps; step++)
                {
                    await Task.Delay(Behaviour.StepDelay, _stopping.Token);
                    await Frame("progress", new JsonObject { ["value"] = step, ["max"] = steps, ["node"] = id });
                }
            }
            if (FakeComfyNodes.IsOutput(classType))
            {
                var output = new JsonObject { ["images"] = new JsonArray(Save(item.Prompt, node, classType)) };
                outputs[id] = output;
                await Frame("executed", new JsonObject { ["node"] = id, ["display_node"] = id, ["output"] = output.DeepClone() });
            }
            executed.Add(id);
        }
        await Frame("execution_success", [], kept: true);
        // As in ComfyUI: history is written after execution_success, before executing{node: null}.
        await Task.Delay(20, _stopping.Token);
        await FinishAsync(item, outputs, messages, "success");
    }

    private async Task FinishAsync(QueuedPrompt item, JsonObject outputs, JsonArray messages, string status)
    {
        if (!Behaviour.ForgetHistory)
            _history[item.PromptId] = new JsonObject
            {
                ["prompt"] = item.Item(),
                ["outputs"] = outputs,
                ["status"] = new JsonObject { ["status_str"] = status, ["completed"] = status == "success", ["messages"] = messages },
                ["meta"] = new JsonObject(),
            };
        await SendAsync(item.ClientId, "executing", new JsonObject { ["node"] = null, ["prompt_id"] = item.PromptId });
    }

    /// <summary>Writes the node's file: the first uploaded image drawn at the latent's size (or noise when asked for huge).</summary>
    private JsonObject Save(JsonObject graph, JsonObject node, string classType)
    {
        var type = classType == "SaveImage" ? "output" : "temp";
        var prefix = (string?)node["inputs"]!["filename_prefix"] ?? "ComfyUI";
        var subfolder = Path.GetDirectoryName(prefix)?.Replace('\\', '/') ?? "";
        var filename = $"{Path.GetFileName(prefix)}_{Interlocked.Increment(ref _saved):00000}_.png";
        _outputs[$"{type}/{subfolder}/{filename}"] = Behaviour.HugeOutputBytes is { } huge ? Noise(huge) : Render(graph);
        return new JsonObject { ["filename"] = filename, ["subfolder"] = subfolder, ["type"] = type };
    }

    private byte[] Render(JsonObject graph)
    {
        var latent = graph.Select(n => n.Value!.AsObject()).FirstOrDefault(n => ((string)n["class_type"]!).StartsWith("Empty", StringComparison.Ordinal));
        var width = latent is null ? 512 : (int)latent["inputs"]!["width"]!;
        var height = latent is null ? 512 : (int)latent["inputs"]!["height"]!;
        var source = graph.Where(n => (string)n.Value!["class_type"]! == "LoadImage").OrderBy(n => n.Key, StringComparer.Ordinal)
            .Select(n => Uploads.GetValueOrDefault((string)n.Value!["inputs"]!["image"]!)).FirstOrDefault(d => d is not null);

        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.Black);
            if (source is not null)
            {
                using var image = SKBitmap.Decode(source);
                using var scaled = image.Resize(new SKImageInfo(width, height), new SKSamplingOptions(SKFilterMode.Linear));
                canvas.DrawBitmap(scaled, 0, 0);
            }
        }
        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    private static byte[] Noise(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }
}
