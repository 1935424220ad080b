namespace RunHub.Catalog;

/// <summary>The parameter types of the RunningHub model registry (its <c>type</c> field).</summary>
public enum ParameterType
{
    String,
    List,
    Boolean,
    Int,
    Float,
    Image,
    Video,
    Audio,
}
