using RunHub.Cli;
using RunHub.Tests.Support;

namespace RunHub.Tests.Cli;

/// <summary>The words printed for a shell to run this program again, on real files and links.</summary>
public sealed class SelfCommandTests
{
    private static string Executable(string folder)
    {
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "runhub");
        File.WriteAllText(file, "");
        return file;
    }

    [Fact]
    public void Program_run_by_the_dotnet_host_is_named_as_dotnet_and_its_assembly()
    {
        Assert.Equal("dotnet /opt/app/runhub.dll", SelfCommand.Invocation("/usr/share/dotnet/dotnet", "/opt/app/runhub.dll", "/usr/bin"));
    }

    [Fact]
    public void Executable_outside_the_path_is_named_by_its_full_path_as_after_dotnet_run()
    {
        using var dir = new TempDirectory();
        var built = Executable(Path.Combine(dir.Path, "src", "RunHub", "bin"));
        Assert.Equal(built, SelfCommand.Invocation(built, "", Path.Combine(dir.Path, "elsewhere") + Path.PathSeparator + "/usr/bin"));
    }

    [Fact]
    public void Executable_linked_from_a_folder_on_the_path_is_named_runhub()
    {
        using var dir = new TempDirectory();
        var installed = Executable(Path.Combine(dir.Path, "opt"));
        var bin = Directory.CreateDirectory(Path.Combine(dir.Path, "bin")).FullName;
        File.CreateSymbolicLink(Path.Combine(bin, "runhub"), installed);
        Assert.Equal("runhub", SelfCommand.Invocation(installed, "", "/nonexistent" + Path.PathSeparator + bin));
    }

    [Fact]
    public void Another_runhub_earlier_on_the_path_is_not_taken_for_this_one()
    {
        using var dir = new TempDirectory();
        var other = Executable(Path.Combine(dir.Path, "old"));
        var mine = Executable(Path.Combine(dir.Path, "new program"));
        Assert.Equal($"\"{mine}\"", SelfCommand.Invocation(mine, "", Path.GetDirectoryName(other) + Path.PathSeparator + Path.GetDirectoryName(mine)));
    }
}
