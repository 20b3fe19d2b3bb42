package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorTest {
  @Test
  void floatsRoundTrip() {
    Tensor t = Tensor.ofFloats("x", new long[] {2, 2}, new float[] {1, -2, 3.5f, 0});
    assertEquals("x", t.name());
    assertEquals(DType.FLOAT32, t.dtype());
    assertArrayEquals(new long[] {2, 2}, t.shape());
    assertEquals(4, t.elementCount());
    assertArrayEquals(new float[] {1, -2, 3.5f, 0}, t.toFloats(), 0f, "exact");
    assertEquals("x:float32[2, 2]", t.toString());
  }

  @Test
  void longsConvertExactly() {
    Tensor t = Tensor.ofLongs("ids", new long[] {3}, new long[] {0, 7, -5});
    assertEquals(DType.INT64, t.dtype());
    assertArrayEquals(new float[] {0, 7, -5}, t.toFloats(), 0f, "exact");
  }

  @Test
  void dataIsReadOnlyLittleEndianAndShapeIsCopied() {
    long[] shape = {2};
    Tensor t = Tensor.ofFloats("x", shape, new float[] {1, 2});
    shape[0] = 99;
    assertArrayEquals(new long[] {2}, t.shape());
    t.shape()[0] = 5;
    assertArrayEquals(new long[] {2}, t.shape());
    ByteBuffer d = t.data();
    assertTrue(d.isReadOnly());
    assertEquals(ByteOrder.LITTLE_ENDIAN, d.order());
    assertEquals(0, d.position());
    assertEquals(8, d.remaining());
    assertEquals(2f, d.getFloat(4), 0f);
  }

  @Test
  void ofUsesTheRemainingBytes() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    b.putFloat(9).putFloat(1).putFloat(2);
    b.position(4);
    Tensor t = Tensor.of("x", DType.FLOAT32, new long[] {2}, b);
    assertArrayEquals(new float[] {1, 2}, t.toFloats(), 0f, "exact");
  }

  @Test
  void sizeMismatchAndBadArguments() {
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.of("x", DType.FLOAT32, new long[] {3}, ByteBuffer.allocate(8)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.of("x", DType.STRING, new long[] {1}, ByteBuffer.allocate(0)));
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.of(null, DType.FLOAT32, new long[] {0}, ByteBuffer.allocate(0)));
    assertThrows(IllegalArgumentException.class, () -> Tensor.elementCount(new long[] {2, -1}));
    assertEquals(1, Tensor.elementCount(new long[0]));
    assertEquals(0, Tensor.elementCount(new long[] {3, 0}));
  }

  @Test
  void halfPrecisionConverts() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    // 1, -2, 0.5, 65504 (max half), 2^-24 (smallest subnormal), +inf
    for (int h : new int[] {0x3c00, 0xc000, 0x3800, 0x7bff, 0x0001, 0x7c00}) {
      b.putShort((short) h);
    }
    b.flip();
    Tensor t = Tensor.of("h", DType.FLOAT16, new long[] {6}, b);
    assertArrayEquals(
        new float[] {1, -2, 0.5f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY},
        t.toFloats(),
        0f,
        "exact");
    assertTrue(Float.isNaN(Half.toFloat((short) 0x7e00)));
    assertEquals(-0f, Half.toFloat((short) 0x8000), 0f);
  }

  @Test
  void floatsMakeFloat16TensorsRoundedToNearest() {
    Tensor t =
        Tensor.ofFloats("h", DType.FLOAT16, new long[] {4}, new float[] {1, 0.1f, -70000, 3});
    assertEquals(DType.FLOAT16, t.dtype());
    assertEquals(8, t.data().remaining());
    // 0.1 is not a half: the nearest one is 0.0999755859375; beyond 65504 saturates.
    assertArrayEquals(new float[] {1, 0.0999755859375f, -65504, 3}, t.toFloats(), 0f);
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.ofFloats("i", DType.INT64, new long[] {1}, new float[] {1}));
  }

  @Test
  void bfloat16AndIntegerTypesConvert() {
    ByteBuffer bf = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
    bf.putShort((short) 0x3f80).putShort((short) 0xc040).flip(); // 1, -3
    assertArrayEquals(
        new float[] {1, -3},
        Tensor.of("b", DType.BFLOAT16, new long[] {2}, bf).toFloats(),
        0f,
        "exact");
    ByteBuffer u8 = ByteBuffer.wrap(new byte[] {(byte) 255, 1});
    assertArrayEquals(
        new float[] {255, 1},
        Tensor.of("u", DType.UINT8, new long[] {2}, u8).toFloats(),
        0f,
        "exact");
    ByteBuffer i8 = ByteBuffer.wrap(new byte[] {(byte) 255, 1});
    assertArrayEquals(
        new float[] {-1, 1},
        Tensor.of("i", DType.INT8, new long[] {2}, i8).toFloats(),
        0f,
        "exact");
  }

  @Test
  void renamedSharesData() {
    Tensor t = Tensor.ofFloats("a", new long[] {1}, new float[] {4});
    Tensor r = t.renamed("b");
    assertEquals("b", r.name());
    assertArrayEquals(t.toFloats(), r.toFloats(), 0f, "exact");
  }
}
