package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Catalog;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.Figure;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.ReferenceOptimizer;
import dev.infercost.profile.Concurrency;
import dev.infercost.profile.LatencyStats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChooseWorkflowTest {
  @TempDir Path tmp;

  @Test
  void digitsCnnWinnerEqualsBruteForceAndCostsAreReproducible() throws Exception {
    ChooseRequest req =
        new ChooseRequest(
            "digits-cnn",
            Optional.empty(),
            new Bound(Bound.MAX_ACCURACY_DROP, 0.01),
            5,
            Optional.empty(),
            List.of("aws-c6a.large", "aws-c7i.large", "aws-c7g.large", "t4"),
            Optional.empty(),
            Optional.of("aws-c6a.large"),
            ChooseRequest.METHODS,
            List.of(1, 8),
            Map.of(),
            2,
            Optional.of(tmp.resolve("out")));
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
      if (row.variant().equals("fp16")) {
        assertTrue(gpu, row.toString());
      }
      if (row.variant().equals("int8-dynamic")) {
        assertFalse(gpu, row.toString());
      }
      if (gpu && row.variant().equals("int8-qdq")) {
        assertTrue(row.provenance().detail().contains("INT8"), row.provenance().detail());
      }
      if (!gpu && !measured) {
        // Measured with 2 vCPUs busy and at 1 thread: CPU projections fit their scaling to that.
        String how = row.provenance().detail();
        assertTrue(how.contains("2 threads") && !how.contains("not measured"), how);
      }
    }
    assertEquals(
        java.util.Set.copyOf(ChooseRequest.METHODS),
        java.util.Set.copyOf(r.table().stream().map(Optimizer.Row::variant).toList()));
    Optimizer.Result brute = ReferenceOptimizer.choose(r.table(), prices, r.result().request());
    assertEquals(brute.winner().orElseThrow().row(), r.result().winner().orElseThrow().row());
    // Cost per 1M = price per hour ÷ (throughput × 3600) × 10⁶, by hand from the report's numbers.
    for (Optimizer.Candidate cand : r.result().ranked()) {
      double byHand =
          prices.get(cand.row().hardwareId()) / (cand.row().throughputPerS() * 3600) * 1e6;
      assertEquals(byHand, cand.costPerMillionAtFullUtilizationUsd(), byHand * 1e-9);
    }
    assertTrue(Files.readString(tmp.resolve("out/report.md")).contains("Winner"));
    assertTrue(Files.size(tmp.resolve("out/report.json")) > 0);
  }

  @Test
  void theFasterWayOfKeepingTheHostBusyWinsIfItMeetsTheObjective() {
    ChooseRequest req =
        new ChooseRequest(
            "digits-cnn",
            Optional.empty(),
            new Bound(Bound.MAX_ACCURACY_DROP, 0.01),
            10,
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            List.of("fp32"),
            List.of(1),
            Map.of(),
            2,
            Optional.empty());
    var single = new ChooseWorkflow.Point(100, 8, "2 threads");
    assertEquals(single, ChooseWorkflow.Point.best(req, single, null, 1));
    // 2 streams at 60/s each, p99 5 ms (meets 10 ms): 120/s at batch 1, 240/s at batch 2.
    var fast = streams(60, 5);
    var chosen = ChooseWorkflow.Point.best(req, single, fast, 2);
    assertEquals(240, chosen.throughput(), 1e-9);
    assertEquals("2 streams x 1 thread", chosen.how());
    // Slower streams lose to the single stream when both meet the objective...
    assertEquals(single, ChooseWorkflow.Point.best(req, single, streams(40, 5), 1));
    // ...but win when only they meet it, and neither wins over a single stream missing it too.
    var slowSingle = new ChooseWorkflow.Point(100, 30, "2 threads");
    assertEquals(80, ChooseWorkflow.Point.best(req, slowSingle, streams(40, 5), 1).throughput());
    assertEquals(slowSingle, ChooseWorkflow.Point.best(req, slowSingle, streams(60, 20), 1));
  }

  private static Concurrency.Result streams(double perStream, double latencyMs) {
    double[] samples = new double[50];
    java.util.Arrays.fill(samples, latencyMs);
    return new Concurrency.Result(2, 2 * perStream, LatencyStats.of(samples));
  }
}
