package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.TensorProto;
import org.junit.jupiter.api.Test;

class HalfTest {
  @Test
  void everyHalfRoundTrips() {
    for (int h = 0; h < 0x10000; h++) {
      float f = Half.toFloat((short) h);
      if (Float.isNaN(f)) {
        assertTrue((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0);
        assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(f))));
      } else {
        assertEquals(h, Half.fromFloat(f) & 0xffff, "half 0x" + Integer.toHexString(h));
      }
    }
  }

  @Test
  void tensorValuesReadHalfAndBrainFloatFromRawOrInt32Data() {
    TensorProto half = Half.tensor("h", new long[] {3}, new float[] {1, -2.5f, 65504});
    assertArrayEquals(new float[] {1, -2.5f, 65504}, Half.values(half), 0f);
    // bfloat16 1.0 = 0x3f80, -3.0 = 0xc040, stored as int32_data.
    TensorProto brain =
        TensorProto.newBuilder()
            .setName("b")
            .setDataType(TensorProto.DataType.BFLOAT16_VALUE)
            .addDims(2)
            .addInt32Data(0x3f80)
            .addInt32Data(0xc040)
            .build();
    assertArrayEquals(new float[] {1, -3}, Half.values(brain), 0f);
    TensorProto single = TensorProto.newBuilder().setName("f").setDataType(1).build();
    assertThrows(IllegalArgumentException.class, () -> Half.values(single));
  }

  @Test
  void roundsToNearestEvenBetweenNeighbours() {
    // Every pair of adjacent finite positive halves: a hair below the midpoint goes down, a hair
    // above goes up, the midpoint itself goes to the even neighbour.
    for (int h = 0; h < 0x7bff; h++) {
      float lo = Half.toFloat((short) h);
      float hi = Half.toFloat((short) (h + 1));
      float mid = (float) (((double) lo + hi) / 2); // exact: halves have 11 significant bits
      int even = (h & 1) == 0 ? h : h + 1;
      assertEquals(
          even, Half.fromFloat(mid) & 0xffff, "midpoint after 0x" + Integer.toHexString(h));
      assertEquals(h, Half.fromFloat(Math.nextDown(mid)) & 0xffff);
      assertEquals(h + 1, Half.fromFloat(Math.nextUp(mid)) & 0xffff);
      assertEquals(even | 0x8000, Half.fromFloat(-mid) & 0xffff);
    }
  }

  @Test
  void saturatesFiniteValuesAndKeepsInfinities() {
    assertEquals(65504f, Half.round(65519f));
    assertEquals(65504f, Half.round(65520f)); // IEEE would round this one to infinity
    assertEquals(65504f, Half.round(1e30f));
    assertEquals(-65504f, Half.round(-Float.MAX_VALUE));
    assertEquals(Float.POSITIVE_INFINITY, Half.round(Float.POSITIVE_INFINITY));
    assertEquals(Float.NEGATIVE_INFINITY, Half.round(Float.NEGATIVE_INFINITY));
    assertTrue(Float.isNaN(Half.round(Float.NaN)));
  }

  @Test
  void keepsSubnormalsAndFlushesBelowHalfTheSmallest() {
    float tiny = Math.scalb(1f, -24); // smallest subnormal half
    assertEquals(tiny, Half.round(tiny));
    assertEquals(tiny, Half.round(Math.nextUp(tiny / 2)));
    assertEquals(0f, Half.round(tiny / 2)); // tie, to the even neighbour 0
    assertEquals(0f, Half.round(1e-12f));
    assertEquals(-0f, Half.round(-1e-12f));
    assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(Half.round(-1e-12f)));
    assertEquals(Math.scalb(1f, -14), Half.round(Math.scalb(1023.6f, -24)), "rounds up to normal");
  }
}
