package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import dev.infercost.profile.EvalData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One data set split into calibration and evaluation data. */
class DataPlanTest {
  @TempDir Path tmp;

  /**
   * A Relu over {@code rows} samples of 6 floats, and its data; the model's batch dim is {@code
   * rows / 4} when {@code fixed}, else symbolic.
   */
  private ModelRef model(int rows, Path npz, boolean fixed) throws Exception {
    OpCorpus.G g = new OpCorpus.G(new Random(5));
    g.out(g.n("Relu", g.x(rows / OpCorpus.BATCHES, 6)));
    OpCorpus.Built b = g.finish("relu", OpCorpus.OPSET);
    b.writeNpz(npz);
    if (!fixed) {
      var m = b.model().toBuilder();
      m.getGraphBuilder()
          .getInputBuilder(0)
          .getTypeBuilder()
          .getTensorTypeBuilder()
          .getShapeBuilder()
          .getDimBuilder(0)
          .setDimParam("n");
      return ModelRef.resolve(
          Files.write(tmp.resolve("relu.onnx"), m.build().toByteArray()).toString());
    }
    return ModelRef.resolve(
        Files.write(tmp.resolve("relu.onnx"), b.model().toByteArray()).toString());
  }

  /**
   * Fewer samples than one array batch (64) are cut in half, not refused: 16 samples calibrate on 8
   * and evaluate on the other 8. Before, anything up to 64 samples was "too little data to split".
   */
  @Test
  void oneBatchOfSamplesIsCutInHalf() throws Exception {
    Path npz = tmp.resolve("x.npz");
    ModelRef m = model(16, npz, false);
    DataPlan p = DataPlan.of(m, Optional.of(npz), Optional.empty(), 200);
    assertEquals(8, p.calibration().stream().mapToInt(EvalData::samplesIn).sum());
    assertEquals(8, p.evaluation().orElseThrow().samples());
    assertTrue(p.calibrationSource().endsWith("(first 8 samples)"), p.calibrationSource());
    assertTrue(
        p.evaluation().get().source().endsWith("(after the first 8 samples)"),
        p.evaluation().get().source());
  }

  /** 65 samples, batches of 64 and 1: 32 calibrate and 33 evaluate (it was 64 and 1). */
  @Test
  void aBatchHoldingMoreThanHalfIsCutAtHalf() throws Exception {
    Path csv = tmp.resolve("x.csv");
    StringBuilder s = new StringBuilder("a,b,c,d,e,f\n");
    for (int i = 0; i < 65; i++) {
      s.append(i).append(",1,2,3,4,5\n");
    }
    Files.writeString(csv, s);
    ModelRef m = model(4, tmp.resolve("x.npz"), false);
    DataPlan p = DataPlan.of(m, Optional.of(csv), Optional.empty(), 200);
    assertEquals(32, p.calibration().stream().mapToInt(EvalData::samplesIn).sum());
    assertEquals(33, p.evaluation().orElseThrow().samples());
  }

  /** A model whose batch size is fixed keeps its batches whole: one of them cannot be split. */
  @Test
  void aFixedBatchIsNotCut() throws Exception {
    Path npz = tmp.resolve("x.npz");
    ModelRef m = model(32, npz, true);
    Path csv = tmp.resolve("x.csv");
    StringBuilder s = new StringBuilder("a,b,c,d,e,f\n");
    for (int i = 0; i < 8; i++) {
      s.append(i).append(",1,2,3,4,5\n");
    }
    Files.writeString(csv, s);
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () -> DataPlan.of(m, Optional.of(csv), Optional.empty(), 200));
    assertTrue(
        e.getMessage().contains("one batch of the model's fixed batch size"), e.getMessage());
  }

  @Test
  void oneSampleIsRefusedSayingWhatToPass() throws Exception {
    ModelRef m = model(4, tmp.resolve("x.npz"), false);
    Path one = Files.writeString(tmp.resolve("one.csv"), "a,b,c,d,e,f\n1,2,3,4,5,6\n");
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () -> DataPlan.of(m, Optional.of(one), Optional.empty(), 200));
    assertTrue(e.getMessage().contains("one sample cannot be split"), e.getMessage());
  }
}
