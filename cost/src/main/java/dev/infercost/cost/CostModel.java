package dev.infercost.cost;

import dev.infercost.cost.internal.Checks;

/**
 * Money formulas: the hourly cost of a catalog entry and the cost of a million inferences.
 *
 * <p>Cloud entries cost their on-demand price per hour. An on-premises machine costs
 *
 * <pre>
 *   purchase ÷ (life_years × 8760)                       amortization, USD/h
 * + power_W ÷ 1000 × PUE × price_per_kWh                 energy, USD/h
 * + ops_share_yearly × purchase ÷ 8760                   operations, USD/h
 * </pre>
 *
 * <p>running around the clock (8760 hours a year, straight-line amortization, no cost of capital,
 * no resale value, power at the stated draw all the time).
 */
public final class CostModel {
  /** Hours in a (non-leap) year. */
  public static final double HOURS_PER_YEAR = 8760;

  private CostModel() {}

  /**
   * The hourly cost of an on-premises machine, by part.
   *
   * @param amortizationUsdPerHour purchase ÷ (life × 8760)
   * @param energyUsdPerHour power (kW) × PUE × price per kWh
   * @param operationsUsdPerHour yearly operations share × purchase ÷ 8760
   * @param totalUsdPerHour the sum
   */
  public record OnPremHourly(
      double amortizationUsdPerHour,
      double energyUsdPerHour,
      double operationsUsdPerHour,
      double totalUsdPerHour) {
    public OnPremHourly {
      Checks.nonNegative("amortizationUsdPerHour", amortizationUsdPerHour);
      Checks.nonNegative("energyUsdPerHour", energyUsdPerHour);
      Checks.nonNegative("operationsUsdPerHour", operationsUsdPerHour);
      Checks.nonNegative("totalUsdPerHour", totalUsdPerHour);
    }
  }

  /** The hourly cost of {@code entry} in USD: the cloud price, or {@link #onPremHourly}'s total. */
  public static double hourlyUsd(HardwareEntry entry) {
    if (entry.kind() == HardwareEntry.Kind.ONPREM) {
      return onPremHourly(entry.onPrem()).totalUsdPerHour();
    }
    return entry.priceUsdPerHour();
  }

  /** The hourly cost of an on-premises machine, by part (see the class comment). */
  public static OnPremHourly onPremHourly(HardwareEntry.OnPrem p) {
    double purchase = p.purchaseUsd().value();
    double amortization = purchase / (p.lifeYears().value() * HOURS_PER_YEAR);
    double energy = p.powerW().value() / 1000.0 * p.pue().value() * p.usdPerKwh().value();
    double operations = p.opsShareYearly().value() * purchase / HOURS_PER_YEAR;
    return new OnPremHourly(amortization, energy, operations, amortization + energy + operations);
  }

  /**
   * USD per million inferences: {@code hourlyUsd ÷ (inferencesPerSecond × 3600) × 10⁶}, the machine
   * kept busy at that throughput.
   *
   * @param hourlyUsd the machine's cost in USD per hour (>= 0)
   * @param inferencesPerSecond sustained throughput in inferences per second (> 0)
   */
  public static double costPerMillion(double hourlyUsd, double inferencesPerSecond) {
    Checks.nonNegative("hourlyUsd", hourlyUsd);
    Checks.positive("inferencesPerSecond", inferencesPerSecond);
    return hourlyUsd / (inferencesPerSecond * 3600.0) * 1e6;
  }
}
