using System.Text.Json;

namespace RunHub.Client;

/// <summary>An account's wallet and load, from <c>accountStatus</c> (RunningHub's strings read as numbers).</summary>
/// <param name="RemainMoney">What the wallet can still spend (RunHub: reserved prices of unfinished tasks excluded).</param>
/// <param name="Currency">The wallet's currency, e.g. <c>CNY</c>.</param>
/// <param name="RemainCoins">Coins left, for coin-billed accounts.</param>
/// <param name="CurrentTaskCounts">The account's queued and running tasks.</param>
/// <param name="ApiType">RunningHub's API plan, e.g. <c>SHARED</c>.</param>
/// <param name="Raw">The <c>data</c> object exactly as received.</param>
public sealed record AccountStatus(decimal? RemainMoney, string? Currency, decimal? RemainCoins, int? CurrentTaskCounts, string? ApiType, JsonElement Raw);
