namespace RunHub.Client;

/// <summary>What a finished task cost (RunningHub's <c>usage</c>; its strings read as numbers).</summary>
/// <param name="ConsumeMoney">Money charged, in the account's currency.</param>
/// <param name="ConsumeCoins">Coins charged, for coin-billed accounts.</param>
/// <param name="TaskCostTime">Run time in seconds.</param>
/// <param name="ThirdPartyConsumeMoney">What the upstream provider charged, when reported.</param>
public sealed record TaskUsage(decimal? ConsumeMoney, decimal? ConsumeCoins, decimal? TaskCostTime, decimal? ThirdPartyConsumeMoney);
