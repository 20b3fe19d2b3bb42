package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.compress.internal.WeightQuantizer;
import org.junit.jupiter.api.Test;

class WeightQuantizerTest {
  @Test
  void symmetricPerColumnUsesEachColumnsRange() {
    // 2 x 3, column maxima 1, 4, 0.
    float[] w = {1f, -4f, 0f, -0.5f, 2f, 0f};
    var q = WeightQuantizer.symmetric(w, 2, 3, 127, true);
    assertArrayEquals(new float[] {1f / 127, 4f / 127, 1f}, q.scales(), 1e-7f);
    assertArrayEquals(new byte[] {127, -127, 0, -64, 64, 0}, q.values());
  }

  @Test
  void reducedRangeStaysWithinSevenBits() {
    float[] w = Tiny.random(64 * 32, 3, 1f);
    var q = WeightQuantizer.symmetric(w, 64, 32, 63, true);
    for (byte b : q.values()) {
      assertTrue(b >= -63 && b <= 63, "value " + b);
    }
    for (int i = 0; i < w.length; i++) {
      float deq = q.values()[i] * q.scales()[i % 32];
      assertEquals(w[i], deq, q.scales()[i % 32] / 2 + 1e-6, "half a step at most");
    }
  }

  @Test
  void perTensorHasOneScale() {
    var q = WeightQuantizer.symmetric(new float[] {1f, -2f, 0.5f, 0f}, 2, 2, 127, false);
    assertEquals(1, q.scales().length);
    assertEquals(2f / 127, q.scales()[0], 1e-7f);
  }

  @Test
  void asymmetricKeepsZeroExact() {
    var a = WeightQuantizer.asymmetricUint8(new float[] {0.1f, 0.5f, 0f, 1.2f});
    // The range [0, 1.2] includes 0: zero point 0 and 0 maps to exactly 0.
    assertEquals(0, a.zeroPoint());
    assertEquals(0, a.values()[2]);
    var b = WeightQuantizer.asymmetricUint8(new float[] {-1f, 1f, 0f});
    float zero = ((b.values()[2] & 0xff) - b.zeroPoint()) * b.scale();
    assertEquals(0f, zero, 1e-7f);
  }
}
