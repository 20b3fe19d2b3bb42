package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.cost.Catalog;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.Figure;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.ProjectionCheck;
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
    assertTrue(Files.readString(tmp.resolve("out/report.md")).contains("Winner"));
    assertTrue(Files.size(tmp.resolve("out/report.json")) > 0);

    // 7-bit int8 weights (aws-c6a.large has no VNNI), so int8 is priced there and on c7i, each
    // with the int8 factors it used.
    for (String hw : List.of("aws-c6a.large", "aws-c7i.large")) {
      assertTrue(
          r.table().stream()
              .anyMatch(x -> x.variant().equals("int8-dynamic") && x.hardwareId().equals(hw)),
          hw);
    }
    Optimizer.Row int8OnC7i =
        r.table().stream()
            .filter(
                x -> x.variant().equals("int8-dynamic") && x.hardwareId().equals("aws-c7i.large"))
            .findFirst()
            .orElseThrow();
    assertTrue(
        int8OnC7i
            .provenance()
            .detail()
            .contains("int8 factor 2.29 (amx, aws-c7i.large catalog figure) ÷ 1.65"),
        int8OnC7i.provenance().detail());

    // Every CPU variant measured at 1 thread and with 2 vCPUs busy is checked against the model.
    ProjectionCheck check = r.projectionCheck();
    long cpuVariants = Arrays.stream(Method.values()).filter(Method::runsOnCpus).count();
    assertTrue(check.pairs().size() >= cpuVariants * 2, check.pairs().toString());
    assertEquals(
        ProjectionCheck.mape(
            check.pairs().stream().map(ProjectionCheck.Pair::errorPercent).toList()),
        check.mapePercent(),
        1e-9);
    for (ProjectionCheck.Pair p : check.pairs()) {
      assertEquals((p.projected() - p.measured()) / p.measured() * 100, p.errorPercent(), 1e-9);
    }
    assertTrue(
        Files.readString(tmp.resolve("out/report.md")).contains("Projection vs measurement"));
  }

  @Test
  void calibratedProjectionSaysSoInEveryCpuProjection() throws Exception {
    ChooseRequest req =
        ChooseRequest.builder(ModelRef.resolve("digits-mlp"), Bound.minCosine(0.9))
            .optHardware(List.of("aws-c6a.large", "aws-c7i.xlarge"))
            .optMeasuredOn("aws-c6a.large")
            .optMethods(List.of(Method.FP32, Method.INT8_DYNAMIC))
            .optThreads(2)
            .optCalibrateProjection(true)
            .build();
    ChooseReport r = ChooseWorkflow.run(req, s -> {});
    ProjectionCheck check = r.projectionCheck();
    assertEquals(
        ProjectionCheck.mape(
            check.pairs().stream().map(ProjectionCheck.Pair::calibratedErrorPercent).toList()),
        check.calibratedMapePercent(),
        1e-9);
    for (Optimizer.Row row : r.table()) {
      if (row.provenance().kind() == Figure.Provenance.Kind.ESTIMATED) {
        assertTrue(
            row.provenance().detail().contains("calibrated on the "), row.provenance().detail());
      }
    }
    assertTrue(r.table().stream().anyMatch(x -> x.hardwareId().equals("aws-c7i.xlarge")));
  }
}
