package dev.infercost.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.infercost.cost.HardwareEntry.OnPrem;
import dev.infercost.cost.HardwareEntry.Sourced;
import org.junit.jupiter.api.Test;

class CostModelTest {
  private static final double EPS = 1e-12;

  @Test
  void costPerMillionByHand() {
    // $0.0765/h at 100 inferences/s: 0.0765 / 360000 per inference = 0.2125 USD per million.
    assertEquals(0.2125, CostModel.costPerMillion(0.0765, 100), EPS);
    // $3.6/h at 1 inference/s: $0.001 per inference = $1000 per million.
    assertEquals(1000.0, CostModel.costPerMillion(3.6, 1), 1e-9);
    assertEquals(0.0, CostModel.costPerMillion(0, 5), 0);
  }

  @Test
  void costPerMillionRejectsNonPositiveThroughputAndNegativePrice() {
    assertThrows(IllegalArgumentException.class, () -> CostModel.costPerMillion(1, 0));
    assertThrows(IllegalArgumentException.class, () -> CostModel.costPerMillion(1, -1));
    assertThrows(IllegalArgumentException.class, () -> CostModel.costPerMillion(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> CostModel.costPerMillion(1, Double.NaN));
  }

  @Test
  void onPremHourlyByHand() {
    OnPrem p =
        new OnPrem(
            new Sourced(270_000, "s"),
            new Sourced(5, "s"),
            new Sourced(10_200, "s"),
            new Sourced(1.58, "s"),
            new Sourced(0.0806, "s"),
            new Sourced(0.2, "s"));
    CostModel.OnPremHourly h = CostModel.onPremHourly(p);
    // 270000 / (5 * 8760) = 6.164383561643835 USD/h
    assertEquals(6.164383561643835, h.amortizationUsdPerHour(), 1e-12);
    // 10.2 kW * 1.58 * 0.0806 USD/kWh = 1.2989496 USD/h
    assertEquals(1.2989496, h.energyUsdPerHour(), 1e-12);
    // 0.2 * 270000 / 8760 = 6.164383561643835 USD/h
    assertEquals(6.164383561643835, h.operationsUsdPerHour(), 1e-12);
    assertEquals(13.627716723287671, h.totalUsdPerHour(), 1e-9);
  }

  @Test
  void hourlyOfCatalogEntries() {
    Catalog c = Catalog.builtin();
    assertEquals(0.0765, CostModel.hourlyUsd(c.find("aws-c6a.large").orElseThrow()), 0);
    HardwareEntry dgx = c.find("dgx-h100").orElseThrow();
    assertEquals(
        CostModel.onPremHourly(dgx.onPrem()).totalUsdPerHour(), CostModel.hourlyUsd(dgx), 0);
    assertEquals(13.627716723287671, CostModel.hourlyUsd(dgx), 1e-9);
  }
}
