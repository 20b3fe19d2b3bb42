package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import dev.infercost.base.OutputSet;
import dev.infercost.compress.Compressor;
import dev.infercost.compress.Fp16Options;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.Figure;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.profile.Profiler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TargetGpuWorkflowTest {
  @TempDir Path tmp;

  @Test
  void digitsCnnOnL4IsProjectedAndComparedWithTheBestCpu() throws Exception {
    Assumptions.assumeFalse(Profiler.cudaAvailable(), "with CUDA the figures are measured instead");
    TargetGpuReport r = TargetGpuWorkflow.run(request("digits-cnn"), "l4", s -> {});
    assertEquals("aws-g6.xlarge", r.gpu());
    assertEquals(3, r.variants().size());
    var fp16 = r.variants().get(1);
    assertEquals(Method.FP16.label(), fp16.name());
    assertTrue(fp16.bytes() < 0.6 * r.variants().get(0).bytes(), "fp16 about half the size");
    assertNotNull(fp16.fidelity());
    assertEquals(0, fp16.fidelity().accuracyDrop(), 1e-12);
    double hourly = CostModel.hourlyUsd(Catalog.builtin().require("l4"));
    for (var v : r.variants()) {
      assertEquals(
          Figure.Provenance.Kind.ESTIMATED,
          v.option().provenance().kind(),
          v.option().provenance().toString());
      assertEquals(
          hourly / (v.option().throughput() * 3600) * 1e6, v.option().costPerMillionUsd(), 1e-12);
    }
    var qdq = r.variants().get(2);
    assertEquals(Method.INT8_QDQ.label(), qdq.name());
    assertTrue(qdq.bytes() < 0.4 * r.variants().get(0).bytes(), "int8 weights");
    assertTrue(qdq.fidelity().accuracyDrop() <= 0.01, "accuracy drop " + qdq.fidelity());
    String how = qdq.option().provenance().detail();
    assertTrue(how.contains("INT8") && how.contains("fused"), how);
    assertNotNull(r.bestCpu());
    assertTrue(Files.exists(tmp.resolve("model.fp16.onnx")));
    assertTrue(Files.exists(tmp.resolve("int8-qdq").resolve("model.int8-qdq.onnx")));
    assertTrue(Files.readString(tmp.resolve("report.md")).contains("Best CPU option"));
  }

  @Test
  void aFloat16InputIsPricedAtTheFp16PeakAndSaysSo() throws Exception {
    Assumptions.assumeFalse(Profiler.cudaAvailable(), "with CUDA the figures are measured instead");
    var digits = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    Path half = tmp.resolve("half").resolve("digits-fp16.onnx");
    Files.createDirectories(half.getParent());
    Models.saveOnnx(
        Compressor.toFp16(digits, Fp16Options.defaults().withKeepIo(false)).model(), half);
    Path out = tmp.resolve("out");
    TargetGpuReport r =
        TargetGpuWorkflow.run(
            CompressRequest.builder(ModelRef.resolve(half.toString()), out)
                .optMeasure(false)
                .build(),
            "t4",
            s -> {});
    var input = r.variants().get(0);
    assertEquals(Method.FP32.label(), input.name());
    assertTrue(input.option().provenance().detail().contains("FP16"), input.option().toString());
    assertTrue(r.notes().contains(PricingInputs.HALF_INPUT), r.notes().toString());
  }

  /**
   * int8-dynamic does not touch Conv: on a CNN its "best CPU" variant is the input, priced as fp32
   * (it was priced with the int8 speed-up, and warned of int8 weights it does not have).
   */
  @Test
  void aCnnsBestCpuOptionIsPricedAsFp32WhenInt8DynamicRewritesNothing() throws Exception {
    Assumptions.assumeFalse(Profiler.cudaAvailable(), "with CUDA the figures are measured instead");
    OpCorpus.G g = new OpCorpus.G(new Random(11));
    String y =
        g.n(
            "Relu",
            g.n(
                "Conv",
                List.of(OpCorpus.is("pads", 1, 1, 1, 1)),
                g.x(2, 3, 16, 16),
                g.f(16, 3, 3, 3)));
    g.out(g.n("Conv", y, g.f(8, 16, 1, 1)));
    OpCorpus.Built b = g.finish("cnn", OpCorpus.OPSET);
    Path model = Files.write(tmp.resolve("cnn.onnx"), b.model().toByteArray());
    Path npz = tmp.resolve("cnn.npz");
    b.writeNpz(npz);
    TargetGpuReport r =
        TargetGpuWorkflow.run(
            CompressRequest.builder(ModelRef.resolve(model.toString()), tmp.resolve("out"))
                .optCalibrationData(npz)
                .optMeasure(false)
                .build(),
            "t4",
            s -> {});
    assertEquals(Method.FP32.label(), r.bestCpu().variant());
    assertTrue(
        r.notes().stream()
            .anyMatch(
                n ->
                    n.startsWith(
                        "best CPU option priced as fp32 (unchanged: int8-dynamic rewrote 0")),
        r.notes().toString());
    assertTrue(r.notes().stream().noneMatch(n -> n.contains("int8 weights")), r.notes().toString());
    assertTrue(
        r.notes().stream()
            .anyMatch(
                n ->
                    n.endsWith(
                        "; int8-dynamic leaves the 2 Conv layers in float: --method int8-static"
                            + " (with --calib-data) quantizes them")),
        r.notes().toString());
  }

  @Test
  void aCpuEntryIsNotAGpu() {
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () -> TargetGpuWorkflow.run(request("digits-cnn"), "aws-c6a.large", s -> {}));
    assertTrue(e.getMessage().contains("has no GPU"), e.getMessage());
  }

  @Test
  void aGpuWithoutSourcedPeaksIsRefusedBeforeAnythingIsBuilt() throws Exception {
    Assumptions.assumeFalse(Profiler.cudaAvailable(), "with CUDA the figures are measured instead");
    for (String gpu : new String[] {"a10g", "h100"}) {
      InfercostException e =
          assertThrows(
              InfercostException.class,
              () -> TargetGpuWorkflow.run(request("digits-cnn"), gpu, s -> {}));
      assertTrue(e.getMessage().contains("no sourced fp32 peak"), e.getMessage());
      assertTrue(e.getMessage().contains("pick one of t4, l4, "), e.getMessage());
    }
    try (var files = Files.list(tmp)) {
      // The output folder's lock file stays (see OutputSet); no model and no report.
      assertEquals(
          0,
          files.filter(f -> !f.getFileName().toString().equals(OutputSet.LOCK_FILE)).count(),
          "nothing written");
    }
    var projectable = TargetGpuWorkflow.projectable(Catalog.builtin());
    assertTrue(projectable.containsAll(List.of("t4", "l4", "a100")), "" + projectable);
    assertTrue(!projectable.contains("a10g") && !projectable.contains("h100"), "" + projectable);
  }

  private CompressRequest request(String model) throws Exception {
    return CompressRequest.builder(ModelRef.resolve(model), tmp).optMeasure(false).build();
  }
}
