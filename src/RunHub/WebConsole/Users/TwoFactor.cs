using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using OtpNet;
using QRCoder;
using RunHub.Data;

namespace RunHub.WebConsole.Users;

/// <summary>
/// Two-factor sign-in with an authenticator app (TOTP, RFC 6238: 6 digits, 30-second steps, SHA-1, as every app
/// reads it; Otp.NET computes it) and ten single-use recovery codes stored as SHA-256 hashes. A code is accepted
/// one step early or late (clock drift), and never twice: the step it matched is recorded.
/// </summary>
public sealed class TwoFactor(Database database, TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;

    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    /// <summary>Whether <paramref name="secret"/> has the shape <see cref="NewSecret"/> gives: 32 base32 characters (A–Z, 2–7), 20 bytes.</summary>
    public static bool IsSecret(string? secret) => secret is { Length: 32 } && secret.All(c => c is >= 'A' and <= 'Z' or >= '2' and <= '7');

    /// <summary>The <c>otpauth://</c> URI an authenticator app reads from the QR code.</summary>
    public static string AppUri(string email, string secret) =>
        $"otpauth://totp/RunHub:{Uri.EscapeDataString(email)}?secret={secret}&issuer=RunHub&digits=6&period=30";

    /// <summary>The QR code of <paramref name="uri"/> as a PNG data URI (no request leaves the page for it).</summary>
    public static string QrCodeDataUri(string uri)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        return "data:image/png;base64," + Convert.ToBase64String(new PngByteQRCode(data).GetGraphic(4));
    }

    /// <summary>
    /// Turns two-factor sign-in on when <paramref name="code"/> is the current code of <paramref name="secret"/> (so the
    /// app was set up right). Returns the recovery codes (shown once), or null when the code is wrong or the secret is not
    /// one <see cref="NewSecret"/> could have made (<see cref="IsSecret"/>; the form carries it, so a hand-made post may not).
    /// </summary>
    public async Task<IReadOnlyList<string>?> EnableAsync(string userId, string secret, string code)
    {
        if (!IsSecret(secret) || Match(secret, code) is null) return null;
        var recovery = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync("UPDATE users SET totp_secret = @secret, recovery_codes = @codes, totp_last_step = NULL WHERE id = @userId",
            new { secret, codes = JsonSerializer.Serialize(recovery.Select(Hash)), userId });
        return recovery;
    }

    public async Task DisableAsync(string userId)
    {
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync("UPDATE users SET totp_secret = NULL, recovery_codes = NULL, totp_last_step = NULL WHERE id = @userId", new { userId });
    }

    /// <summary>New recovery codes in place of the old ones; returns them (shown once).</summary>
    public async Task<IReadOnlyList<string>> RenewRecoveryCodesAsync(string userId)
    {
        var recovery = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        await using var db = await database.OpenAsync();
        await db.ExecuteAsync("UPDATE users SET recovery_codes = @codes WHERE id = @userId AND totp_secret IS NOT NULL",
            new { codes = JsonSerializer.Serialize(recovery.Select(Hash)), userId });
        return recovery;
    }

    /// <summary>
    /// Whether <paramref name="code"/> is the user's current app code (not used before) or one of their unused recovery
    /// codes (then used up). Each check is one conditional write, so two requests cannot both spend one code.
    /// </summary>
    public async Task<bool> VerifyAsync(ConsoleUser user, string? code)
    {
        if (user.TotpSecret is null || string.IsNullOrWhiteSpace(code)) return false;
        var text = code.Replace(" ", "", StringComparison.Ordinal).Trim();
        await using var db = await database.OpenAsync();
        if (text.Length == 6 && text.All(char.IsAsciiDigit))
        {
            if (Match(user.TotpSecret, text) is not { } step) return false;
            return await db.ExecuteAsync(
                "UPDATE users SET totp_last_step = @step WHERE id = @Id AND (totp_last_step IS NULL OR totp_last_step < @step)",
                new { step, user.Id }) == 1;
        }
        var hashes = JsonSerializer.Deserialize<List<string>>(user.RecoveryCodes ?? "[]") ?? [];
        var hash = Hash(text.ToUpperInvariant());   // Hash drops the dash, so "ABCDE-FGHJK" and "abcdefghjk" are one code
        if (!hashes.Remove(hash)) return false;
        return await db.ExecuteAsync("UPDATE users SET recovery_codes = @remaining WHERE id = @Id AND recovery_codes = @RecoveryCodes",
            new { remaining = JsonSerializer.Serialize(hashes), user.Id, user.RecoveryCodes }) == 1;
    }

    /// <summary>How many recovery codes are left.</summary>
    public static int RecoveryCodesLeft(ConsoleUser user) => (JsonSerializer.Deserialize<List<string>>(user.RecoveryCodes ?? "[]") ?? []).Count;

    private long? Match(string secret, string code)
    {
        var totp = new Totp(Base32Encoding.ToBytes(secret));
        return totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, code.Trim(), out var step, VerificationWindow.RfcSpecifiedNetworkDelay) ? step : null;
    }

    private static string NewRecoveryCode()
    {
        const string alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 10);
        return new string(chars, 0, 5) + "-" + new string(chars, 5, 5);
    }

    private static string Hash(string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(code.Replace("-", "", StringComparison.Ordinal))));
}
