using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using RunHub.Data;

namespace RunHub.WebConsole.Security;

/// <summary>
/// Keeps ASP.NET Core's data protection keys (which sign and encrypt the console's cookies and antiforgery tokens) in
/// the database, so every node that shares it accepts the others' sessions, and a restart keeps them.
/// </summary>
public sealed class DatabaseKeyRepository(Database database, TimeProvider clock) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = database.Open();
        return db.Query<string>("SELECT xml FROM data_protection_keys ORDER BY created_at").Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var db = database.Open();
        db.Execute("INSERT INTO data_protection_keys (name, xml, created_at) VALUES (@name, @xml, @now) ON CONFLICT (name) DO NOTHING",
            new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting), now = clock.GetUtcNow().ToUnixTimeMilliseconds() });
    }
}
