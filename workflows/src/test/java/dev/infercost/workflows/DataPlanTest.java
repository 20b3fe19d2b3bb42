package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.InfercostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One data set split into calibration and evaluation data. */
class DataPlanTest {
  @TempDir Path tmp;

  /** A Relu over {@code rows} samples of 6 floats, and its data. */
  private ModelRef model(int rows, Path npz) throws Exception {
    OpCorpus.G g = new OpCorpus.G(new Random(5));
    g.out(g.n("Relu", g.x(rows / OpCorpus.BATCHES, 6)));
    OpCorpus.Built b = g.finish("relu", OpCorpus.OPSET);
    b.writeNpz(npz);
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
    ModelRef m = model(16, npz);
    DataPlan p = DataPlan.of(m, Optional.of(npz), Optional.empty(), 200);
    assertEquals(
        8, p.calibration().stream().mapToInt(dev.infercost.profile.EvalData::samplesIn).sum());
    assertEquals(8, p.evaluation().orElseThrow().samples());
    assertTrue(p.calibrationSource().endsWith("(first 8 samples)"), p.calibrationSource());
  }

  @Test
  void oneSampleIsRefusedSayingWhatToPass() throws Exception {
    ModelRef m = model(4, tmp.resolve("x.npz"));
    Path one = Files.writeString(tmp.resolve("one.csv"), "a,b,c,d,e,f\n1,2,3,4,5,6\n");
    InfercostException e =
        assertThrows(
            InfercostException.class,
            () -> DataPlan.of(m, Optional.of(one), Optional.empty(), 200));
    assertTrue(e.getMessage().contains("one sample cannot be split"), e.getMessage());
  }
}
