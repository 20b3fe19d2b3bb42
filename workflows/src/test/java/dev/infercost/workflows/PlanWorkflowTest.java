package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.CostModel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PlanWorkflowTest {
  private static final PlanSpec.Own NONE =
      new PlanSpec.Own(null, null, null, null, null, null, null, null, null);

  @Test
  void ownFiguresComeFromTheSpecOverTheCatalogEntry() throws InfercostException {
    Catalog catalog = Catalog.builtin();
    PlanSpec.Own spec =
        new PlanSpec.Own("onprem-cpu-2s-example", 30000.0, null, null, null, 0.2, null, 4.0, 7L);
    PlanReport.Own own = PlanWorkflow.own(spec, catalog, 50);
    assertEquals(30000, own.purchaseUsd(), 0);
    assertEquals(0.2, own.usdPerKwh(), 0);
    var entry = catalog.require("onprem-cpu-2s-example").onPrem();
    assertEquals(entry.lifeYears().value(), own.lifeYears(), 0);
    assertEquals(entry.powerW().value(), own.powerW(), 0);
    // Ownership: purchase ÷ (life × 8760) + ops share × purchase ÷ 8760; energy: kW × PUE × price.
    double life = entry.lifeYears().value();
    double ops = entry.opsShareYearly().value();
    assertEquals(
        30000 / (life * CostModel.HOURS_PER_YEAR) + ops * 30000 / CostModel.HOURS_PER_YEAR,
        own.machine().ownershipUsdPerHour(),
        1e-12);
    assertEquals(
        entry.powerW().value() / 1000 * entry.pue().value() * 0.2,
        own.machine().energyUsdPerHour(),
        1e-12);
    assertEquals(200, own.machine().throughputPerS(), 0);
    assertEquals(7, own.machine().maxMachines());
  }

  @Test
  void flagsLieOverTheSpecFile() {
    PlanSpec file =
        new PlanSpec(
            new PlanSpec.Own("a", 1.0, 2.0, null, null, null, null, null, null),
            new PlanSpec.Cloud("x", 0.5, null, null, null));
    PlanSpec flags =
        new PlanSpec(
            new PlanSpec.Own(null, 9.0, null, null, null, null, null, null, null),
            new PlanSpec.Cloud("y", null, null, null, null));
    PlanSpec merged = flags.over(file);
    assertEquals(9.0, merged.own().purchaseUsd());
    assertEquals(2.0, merged.own().lifeYears());
    assertEquals("a", merged.own().catalog());
    assertEquals("y", merged.cloud().instance());
    assertEquals(0.5, merged.cloud().spotDiscount());
    assertNull(merged.cloud().reservedDiscount());
  }

  @Test
  void ownNeedsEveryFigureOrAnOnPremEntry() {
    InfercostException e =
        assertThrows(InfercostException.class, () -> PlanWorkflow.own(NONE, Catalog.builtin(), 10));
    assertTrue(e.getMessage().contains("no purchaseUsd"), e.getMessage());
    assertEquals(Parameter.PLAN_SPEC, e.hint().orElseThrow());
    PlanSpec.Own cloudEntry =
        new PlanSpec.Own("aws-c7i.large", null, null, null, null, null, null, null, null);
    e =
        assertThrows(
            InfercostException.class, () -> PlanWorkflow.own(cloudEntry, Catalog.builtin(), 10));
    assertTrue(e.getMessage().contains("not an on-premises catalog entry"), e.getMessage());
  }

  @Test
  void exampleSpecLoads() throws InfercostException {
    PlanSpec s = PlanSpec.load(Path.of("..", "examples", "plan", "own.yaml"));
    assertEquals("onprem-cpu-2s-example", s.own().catalog());
    assertEquals("aws-c7a.large", s.cloud().instance());
  }
}
