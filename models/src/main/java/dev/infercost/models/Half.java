package dev.infercost.models;

import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * IEEE 754 binary16 ("half", ONNX {@code FLOAT16}) conversions. Java 17 has no {@code
 * Float.floatToFloat16}, so the bit manipulation lives here.
 */
public final class Half {
  /** Largest finite half, 65504. */
  public static final float MAX = 65504f;

  private static final int MAX_BITS = 0x7bff;
  private static final int FLOAT_MAX_HALF = 0x477fe000; // 65504f as float bits

  private Half() {}

  /**
   * The half nearest to {@code f} (round to nearest, ties to even; subnormals kept), with finite
   * values beyond ±65504 saturated to ±65504 instead of overflowing to infinity. Infinities stay
   * infinite and NaN stays NaN.
   */
  public static short fromFloat(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int abs = bits & 0x7fffffff;
    if (abs >= 0x7f800000) { // infinity or NaN
      return (short) (sign | (abs == 0x7f800000 ? 0x7c00 : 0x7e00 | ((abs >>> 13) & 0x3ff)));
    }
    if (abs >= FLOAT_MAX_HALF) {
      return (short) (sign | MAX_BITS);
    }
    int exp = (abs >>> 23) - 127 + 15;
    if (exp >= 1) { // normal half
      int mant = abs & 0x7fffff;
      int h = (exp << 10) | (mant >>> 13);
      int rem = mant & 0x1fff;
      if (rem > 0x1000 || (rem == 0x1000 && (h & 1) != 0)) {
        h++; // a carry into the exponent is the correct result
      }
      return (short) (sign | h);
    }
    if (abs <= 0x33000000) { // |f| <= 2^-25: the tie at 2^-25 goes to the even neighbour, 0
      return (short) sign;
    }
    // Subnormal half: units of 2^-24.
    int mant = (abs & 0x7fffff) | 0x800000;
    int shift = 126 - (abs >>> 23);
    int h = mant >>> shift;
    int rem = mant & ((1 << shift) - 1);
    int halfway = 1 << (shift - 1);
    if (rem > halfway || (rem == halfway && (h & 1) != 0)) {
      h++;
    }
    return (short) (sign | h);
  }

  /** The float value of a half (exact). */
  public static float toFloat(short half) {
    int h = half & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0) {
      float v = Math.scalb((float) mant, -24);
      return sign != 0 ? -v : v;
    }
    if (exp == 31) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** {@code v} rounded to half precision and back. */
  public static float round(float v) {
    return toFloat(fromFloat(v));
  }

  /** A FLOAT16 tensor (raw little-endian data) holding {@code values} rounded to half. */
  public static TensorProto tensor(String name, long[] dims, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putShort(fromFloat(v));
    }
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT16_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    return t.setRawData(ByteString.copyFrom(b.array())).build();
  }

  /**
   * The values of a FLOAT16 or BFLOAT16 tensor (raw_data or int32_data), as floats (exact: a
   * bfloat16's 16 bits are the top of a float's).
   */
  public static float[] values(TensorProto t) {
    boolean brain = t.getDataType() == TensorProto.DataType.BFLOAT16_VALUE;
    if (!brain && t.getDataType() != TensorProto.DataType.FLOAT16_VALUE) {
      throw new IllegalArgumentException(t.getName() + " is not FLOAT16 or BFLOAT16");
    }
    boolean raw = t.hasRawData() && !t.getRawData().isEmpty();
    ByteBuffer b =
        raw ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
    float[] out = new float[raw ? b.remaining() / 2 : t.getInt32DataCount()];
    for (int i = 0; i < out.length; i++) {
      short bits = raw ? b.getShort() : (short) t.getInt32Data(i);
      out[i] = brain ? Float.intBitsToFloat((bits & 0xffff) << 16) : toFloat(bits);
    }
    return out;
  }
}
