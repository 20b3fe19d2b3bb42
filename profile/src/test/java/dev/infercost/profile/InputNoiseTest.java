package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.models.DType;
import dev.infercost.models.Tensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InputNoiseTest {
  /** Two samples of [x, 1] each: x varies (0 to 255 over the data), the second stays 1. */
  private static Tensor image(float... xs) {
    float[] v = new float[xs.length * 2];
    for (int i = 0; i < xs.length; i++) {
      v[2 * i] = xs[i];
      v[2 * i + 1] = 1;
    }
    return Tensor.ofFloats("image", new long[] {xs.length, 2}, v);
  }

  private static Tensor ids(int rows) {
    return Tensor.ofLongs("ids", new long[] {rows, 1}, new long[rows]);
  }

  private static EvalData data(List<List<Tensor>> batches) {
    return new EvalData("d.npz", batches, new long[] {3, 4, 5}, Optional.empty());
  }

  @Test
  void floatInputsMoveByUpToHalfAnEightBitStepOfTheirRangeAndNothingElseMoves() {
    EvalData d = data(List.of(List.of(image(0, 255), ids(2)), List.of(image(100), ids(1))));
    InputNoise n = InputNoise.of(d).orElseThrow();
    assertEquals(Map.of("image", 0.5f), n.amplitudes());
    assertEquals("up to ±0.5 on 'image'", n.describe());
    assertEquals(d, n.original());
    int moved = 0;
    for (int b = 0; b < 2; b++) {
      float[] before = d.batches().get(b).get(0).toFloats();
      Tensor m = n.moved(b).get(0);
      assertEquals(DType.FLOAT32, m.dtype());
      float[] after = m.toFloats();
      for (int k = 0; k < before.length; k += 2) {
        assertTrue(Math.abs(after[k] - before[k]) <= 0.5f, after[k] + " vs " + before[k]);
        assertTrue(after[k] >= 0 && after[k] <= 255, "kept inside the data's range: " + after[k]);
        moved += after[k] != before[k] ? 1 : 0;
        assertEquals(1f, after[k + 1], "the element that is 1 in every sample stays 1");
      }
      assertEquals(d.batches().get(b).get(1), n.moved(b).get(1), "ids unmoved");
    }
    assertTrue(moved >= 2, moved + " of 3 varying elements moved");
    // The same moves every run.
    assertArrayEquals(
        n.moved(0).get(0).toFloats(), InputNoise.of(d).orElseThrow().moved(0).get(0).toFloats());
  }

  @Test
  void eachFeatureMovesByItsOwnRange() {
    // Column 0 spans 0 to 100000, column 1 spans 0 to 1: column 1 moves by at most 1/510.
    Tensor table =
        Tensor.ofFloats("x", new long[] {3, 2}, new float[] {0, 0, 50000, 0.5f, 100000, 1});
    InputNoise n = InputNoise.of(data(List.of(List.of(table)))).orElseThrow();
    float[] before = table.toFloats();
    float[] after = n.moved(0).get(0).toFloats();
    for (int r = 0; r < 3; r++) {
      assertTrue(Math.abs(after[2 * r] - before[2 * r]) <= 100000f / 510, "column 0, row " + r);
      assertTrue(Math.abs(after[2 * r + 1] - before[2 * r + 1]) <= 1f / 510, "column 1, row " + r);
    }
    assertNotEquals(before[3], after[3], "the middle of column 1 moves");
    assertEquals("up to ±196 on 'x'", n.describe());
  }

  @Test
  void float16InputsStayFloat16AndMove() {
    Tensor h = image(0, 128, 255).as(DType.FLOAT16);
    InputNoise n = InputNoise.of(data(List.of(List.of(h)))).orElseThrow();
    Tensor m = n.moved(0).get(0);
    assertEquals(DType.FLOAT16, m.dtype());
    float[] before = h.toFloats();
    float[] after = m.toFloats();
    // Half precision near 128 is 0.125: the draw of up to 0.5 survives rounding.
    assertNotEquals(before[2], after[2]);
    assertTrue(Math.abs(after[2] - before[2]) <= 0.5f + 0.0625f, after[2] + " vs " + before[2]);
  }

  @Test
  void nothingToMoveGivesNone() {
    // One sample: nothing is known to vary.
    assertFalse(InputNoise.of(data(List.of(List.of(image(7))))).isPresent());
    // Integer inputs only.
    assertFalse(InputNoise.of(data(List.of(List.of(ids(2))))).isPresent());
    // The same values in every sample.
    assertFalse(InputNoise.of(data(List.of(List.of(image(7, 7))))).isPresent());
    // Samples shaped differently from batch to batch (text of different lengths) are left alone.
    Tensor wide = Tensor.ofFloats("image", new long[] {1, 3}, new float[] {0, 1, 2});
    assertFalse(InputNoise.of(data(List.of(List.of(image(0, 9)), List.of(wide)))).isPresent());
  }
}
