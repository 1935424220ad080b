using System.Numerics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using SharpGLTF.Memory;
using SharpGLTF.Schema2;

namespace RunHub.Engines.Sandbox;

/// <summary>
/// The sandbox's 3D result: a binary glTF 2.0 file (GLB) holding one small UV sphere, squashed and stretched by the
/// variation hash, with a PBR material whose base colour comes from the hash and, when the request asks for a
/// textured model, the sandbox's picture of the request as its base-colour texture. <c>asset.generator</c> and
/// <c>asset.extras.runhub</c> say it is a stand-in. Written with SharpGLTF (Khronos glTF 2.0 specification).
/// </summary>
internal static class SandboxGlb
{
    /// <summary>Rings and segments of the sphere: 32 × 64 makes 3,968 triangles, whatever face count was asked for.</summary>
    public const int Rings = 32, Segments = 64;

    /// <param name="texturePng">A PNG for the base colour, or null for an untextured (geometry only) model.</param>
    public static byte[] Write(PromptHash variation, string comment, byte[]? texturePng)
    {
        var sequence = variation.Sequence();
        var scale = new Vector3(sequence.Range(0.7f, 1.3f), sequence.Range(0.7f, 1.3f), sequence.Range(0.7f, 1.3f));
        var colour = new Vector4(sequence.Range(0.2f, 0.9f), sequence.Range(0.2f, 0.9f), sequence.Range(0.2f, 0.9f), 1);

        var model = ModelRoot.CreateModel();
        model.Asset.Generator = SandboxMark.Software;
        model.Asset.Extras = new JsonObject { ["runhub"] = new JsonObject { ["sandbox"] = true, ["comment"] = comment } };

        var material = model.CreateMaterial("sandbox");
        material.InitializePBRMetallicRoughness();
        var baseColour = material.FindChannel("BaseColor")!.Value;
        baseColour.Color = colour;
        if (texturePng is not null)
        {
            var image = model.UseImage(new MemoryImage(texturePng));
            baseColour.SetTexture(0, image);
        }

        var (positions, normals, uvs, indices) = Sphere(scale);
        var primitive = model.CreateMesh("sandbox").CreatePrimitive();
        primitive.SetVertexAccessor("POSITION", Accessor(model, MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(positions)).ToArray(), positions.Count, DimensionType.VEC3, BufferMode.ARRAY_BUFFER));
        primitive.SetVertexAccessor("NORMAL", Accessor(model, MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(normals)).ToArray(), normals.Count, DimensionType.VEC3, BufferMode.ARRAY_BUFFER));
        // Texture coordinates only where a texture uses them (a validator flags them as unused otherwise).
        if (texturePng is not null)
            primitive.SetVertexAccessor("TEXCOORD_0", Accessor(model, MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(uvs)).ToArray(), uvs.Count, DimensionType.VEC2, BufferMode.ARRAY_BUFFER));
        var indexView = model.UseBufferView(MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(indices)).ToArray(), 0, null, 0, BufferMode.ELEMENT_ARRAY_BUFFER);
        var indexAccessor = model.CreateAccessor("indices");
        indexAccessor.SetIndexData(indexView, 0, indices.Count, IndexEncodingType.UNSIGNED_INT);
        primitive.SetIndexAccessor(indexAccessor);
        primitive.DrawPrimitiveType = PrimitiveType.TRIANGLES;
        primitive.Material = material;
        var scene = model.UseScene("sandbox");
        scene.CreateNode("sandbox").Mesh = primitive.LogicalParent;
        model.DefaultScene = scene;

        return model.WriteGLB().ToArray();
    }

    private static Accessor Accessor(ModelRoot model, byte[] data, int count, DimensionType dimensions, BufferMode mode)
    {
        var view = model.UseBufferView(data, 0, null, 0, mode);
        var accessor = model.CreateAccessor();
        accessor.SetVertexData(view, 0, count, new SharpGLTF.Memory.AttributeFormat(dimensions, EncodingType.FLOAT, false));
        return accessor;
    }

    private static (List<Vector3> Positions, List<Vector3> Normals, List<Vector2> Uvs, List<int> Indices) Sphere(Vector3 scale)
    {
        var positions = new List<Vector3>();
        var normals = new List<Vector3>();
        var uvs = new List<Vector2>();
        for (var ring = 0; ring <= Rings; ring++)
        {
            var polar = MathF.PI * ring / Rings;
            for (var segment = 0; segment <= Segments; segment++)
            {
                var azimuth = 2 * MathF.PI * segment / Segments;
                var unit = new Vector3(MathF.Sin(polar) * MathF.Cos(azimuth), MathF.Cos(polar), MathF.Sin(polar) * MathF.Sin(azimuth));
                positions.Add(unit * scale);
                // The normal of a scaled sphere is the unit normal divided by the scale, renormalised.
                normals.Add(Vector3.Normalize(unit / scale));
                uvs.Add(new Vector2((float)segment / Segments, (float)ring / Rings));
            }
        }
        var indices = new List<int>();
        var stride = Segments + 1;
        for (var ring = 0; ring < Rings; ring++)
        {
            for (var segment = 0; segment < Segments; segment++)
            {
                var a = ring * stride + segment;
                var b = a + stride;
                // The poles' degenerate triangles are left out, so every triangle has an area.
                if (ring != 0) indices.AddRange([a, a + 1, b]);
                if (ring != Rings - 1) indices.AddRange([a + 1, b + 1, b]);
            }
        }
        return (positions, normals, uvs, indices);
    }
}
