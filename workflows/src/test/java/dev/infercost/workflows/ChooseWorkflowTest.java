package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Catalog;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.Figure;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.ReferenceOptimizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChooseWorkflowTest {
  @TempDir Path tmp;

  @Test
  void digitsCnnWinnerEqualsBruteForceAndCostsAreReproducible() throws Exception {
    ChooseRequest req =
        ChooseRequest.builder(ModelRef.resolve("digits-cnn"), Bound.maxAccuracyDrop(0.01))
            .optP99Ms(5)
            .optHardware(List.of("aws-c6a.large", "aws-c7i.large", "aws-c7g.large", "t4"))
            .optMeasuredOn("aws-c6a.large")
            .optBatches(List.of(1, 8))
            .optThreads(2)
            .optOutDir(tmp.resolve("out"))
            .build();
    ChooseReport r = ChooseWorkflow.run(req, s -> {});
    assertEquals("aws-c6a.large", r.hostEntry());
    assertFalse(r.table().isEmpty());

    Catalog c = Catalog.builtin();
    Map<String, Double> prices = new HashMap<>();
    for (Optimizer.Row row : r.table()) {
      prices.put(row.hardwareId(), CostModel.hourlyUsd(c.require(row.hardwareId())));
      // Only this host's entry is measured; everything else is labelled estimated.
      boolean measured = row.provenance().kind() == Figure.Provenance.Kind.MEASURED;
      assertEquals(row.hardwareId().equals("aws-c6a.large"), measured, row.toString());
      // Each variant is priced where it runs: fp16 on the GPU only, dynamic int8 on CPUs only.
      boolean gpu = row.hardwareId().equals("aws-g4dn.xlarge");
      if (row.variant().equals(Method.FP16.label())) {
        assertTrue(gpu, row.toString());
      }
      if (row.variant().equals(Method.INT8_DYNAMIC.label())) {
        assertFalse(gpu, row.toString());
      }
      if (gpu && row.variant().equals(Method.INT8_QDQ.label())) {
        assertTrue(row.provenance().detail().contains("INT8"), row.provenance().detail());
      }
      if (!gpu && !measured) {
        // Measured with 2 vCPUs busy and at 1 thread: CPU projections fit their scaling to that.
        String how = row.provenance().detail();
        assertTrue(how.contains("2 threads") && !how.contains("not measured"), how);
      }
    }
    assertEquals(
        java.util.Set.copyOf(Arrays.stream(Method.values()).map(Method::label).toList()),
        java.util.Set.copyOf(r.table().stream().map(Optimizer.Row::variant).toList()));
    Optimizer.Result brute = ReferenceOptimizer.choose(r.table(), prices, r.result().request());
    assertEquals(brute.winner().orElseThrow().row(), r.result().winner().orElseThrow().row());
    // Cost per 1M = price per hour ÷ (throughput × 3600) × 10⁶, by hand from the report's numbers.
    for (Optimizer.Candidate cand : r.result().ranked()) {
      double byHand =
          prices.get(cand.row().hardwareId()) / (cand.row().throughputPerS() * 3600) * 1e6;
      assertEquals(byHand, cand.costPerMillionAtFullUtilizationUsd(), byHand * 1e-9);
    }
    String md = Files.readString(tmp.resolve("out/report.md"));
    assertTrue(md.contains("**" + ChooseVerdict.of(r) + "**"), "verdict first: " + md);
    assertTrue(Files.size(tmp.resolve("out/report.json")) > 0);
  }
}
