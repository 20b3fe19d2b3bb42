package dev.infercost.gate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.gate.BenchResults.Better;
import dev.infercost.gate.BenchResults.Kind;
import dev.infercost.gate.BenchResults.Metric;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MeasureTest {
  @Test
  void measuresCarryTheirNameUnitKindAndDirection() {
    Metric size = Measure.SIZE.of(40676, "file size");
    assertEquals(
        new Metric(
            "size", "bytes", Kind.DETERMINISTIC, Better.LOWER, 40676, List.of(), "file size"),
        size);
    Metric p50 = Measure.LATENCY_P50.of(1.5, List.of(1.0, 2.0), "measured");
    assertEquals("latency.p50", p50.name());
    assertEquals(Kind.TIMING, p50.kind());
    assertEquals(Better.HIGHER, Measure.THROUGHPUT.better());
    assertEquals("fidelity.cosine", Measure.FIDELITY_COSINE.id());
  }

  @Test
  void costIsAFamilyPerHardware() {
    Metric c = Measure.cost("aws-c6a.large", Kind.TIMING, 0.7, List.of(0.7), "measured");
    assertEquals("cost.aws-c6a.large", c.name());
    assertEquals(Measure.COST_UNIT, c.unit());
    assertEquals(Better.LOWER, c.better());
    assertEquals(Optional.of("aws-c6a.large"), Measure.costHardware(c.name()));
    assertEquals(Optional.empty(), Measure.costHardware("costly"));
    assertTrue(Measure.isCost("cost.x"));
    assertFalse(Measure.isCost("costs"));
  }

  @Test
  void aMeasureCoversItsFamilyForThresholds() {
    assertTrue(Measure.SIZE.covers("size"));
    assertTrue(Measure.SIZE.covers("size.weights"));
    assertFalse(Measure.SIZE.covers("sizes"));
  }

  @Test
  void writtenResultsReadBackEqual() throws Exception {
    String json = Bench.file().entry("e", Bench.size(3)).json();
    BenchResults r = Gate.parse(json, "r.json");
    assertEquals(r, Gate.parse(Gate.toJson(r).toString(), "r.json"));
  }
}
