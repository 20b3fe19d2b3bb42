package dev.infercost.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A named, dense, little-endian tensor held in a read-only byte buffer: model inputs read from
 * {@code .npy} files or synthesized, and model outputs. Engines wrap the buffer without copying it
 * where they can.
 */
public final class Tensor {
  private final String name;
  private final DType dtype;
  private final long[] shape;
  private final ByteBuffer data;

  private Tensor(String name, DType dtype, long[] shape, ByteBuffer data) {
    this.name = name;
    this.dtype = dtype;
    this.shape = shape;
    this.data = data;
  }

  /**
   * Wraps {@code data} (its remaining bytes) as a tensor. The buffer must hold exactly {@code
   * product(shape) * dtype.bytes()} bytes.
   */
  public static Tensor of(String name, DType dtype, long[] shape, ByteBuffer data) {
    if (name == null || dtype == null || shape == null || data == null) {
      throw new IllegalArgumentException("name, dtype, shape and data are required");
    }
    if (dtype.bytes() == 0) {
      throw new IllegalArgumentException("tensor '" + name + "': dtype " + dtype + " unsupported");
    }
    long expected = elementCount(shape) * dtype.bytes();
    if (data.remaining() != expected) {
      throw new IllegalArgumentException(
          "tensor '"
              + name
              + "': shape "
              + Arrays.toString(shape)
              + " needs "
              + expected
              + " bytes, got "
              + data.remaining());
    }
    ByteBuffer copy = data.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer();
    return new Tensor(name, dtype, shape.clone(), copy.order(ByteOrder.LITTLE_ENDIAN));
  }

  /** A float32 tensor copied from {@code values}. */
  public static Tensor ofFloats(String name, long[] shape, float[] values) {
    ByteBuffer b = ByteBuffer.allocateDirect(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return of(name, DType.FLOAT32, shape, b);
  }

  /**
   * A float32 or float16 tensor holding {@code values}, rounded to the nearest half for float16
   * (finite values beyond ±65504 saturate, see {@link Half#fromFloat}).
   */
  public static Tensor ofFloats(String name, DType dtype, long[] shape, float[] values) {
    if (dtype == DType.FLOAT32) {
      return ofFloats(name, shape, values);
    }
    if (dtype != DType.FLOAT16) {
      throw new IllegalArgumentException("tensor '" + name + "': floats make no " + dtype);
    }
    ByteBuffer b = ByteBuffer.allocateDirect(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putShort(Half.fromFloat(v));
    }
    return of(name, dtype, shape, b.flip());
  }

  /**
   * Whether data of type {@code from} feeds an input of type {@code to} as numbers: float32 and
   * float16, either way (see {@link #as}).
   */
  public static boolean refloats(DType from, DType to) {
    return from != to
        && (from == DType.FLOAT32 || from == DType.FLOAT16)
        && (to == DType.FLOAT32 || to == DType.FLOAT16);
  }

  /**
   * This float32 or float16 tensor's values as {@code dtype} ({@link #ofFloats(String, DType,
   * long[], float[])}).
   */
  public Tensor as(DType dtype) {
    return dtype == this.dtype ? this : ofFloats(name, dtype, shape, toFloats());
  }

  /** An int64 tensor copied from {@code values}. */
  public static Tensor ofLongs(String name, long[] shape, long[] values) {
    ByteBuffer b = ByteBuffer.allocateDirect(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return of(name, DType.INT64, shape, b);
  }

  public static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public String name() {
    return name;
  }

  public DType dtype() {
    return dtype;
  }

  public long[] shape() {
    return shape.clone();
  }

  public long elementCount() {
    return elementCount(shape);
  }

  /** A read-only little-endian view of the data, positioned at 0. */
  public ByteBuffer data() {
    return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The same data under another name. */
  public Tensor renamed(String newName) {
    return new Tensor(newName, dtype, shape, data);
  }

  /** All elements converted to float (for comparing outputs); integer types convert exactly. */
  public float[] toFloats() {
    int n = Math.toIntExact(elementCount());
    float[] out = new float[n];
    ByteBuffer b = data();
    for (int i = 0; i < n; i++) {
      out[i] =
          switch (dtype) {
            case FLOAT32 -> b.getFloat(i * 4);
            case FLOAT64 -> (float) b.getDouble(i * 8);
            case INT64 -> b.getLong(i * 8);
            case INT32 -> b.getInt(i * 4);
            case INT16 -> b.getShort(i * 2);
            case INT8, BOOL -> b.get(i);
            case UINT8 -> b.get(i) & 0xff;
            case FLOAT16 -> Half.toFloat(b.getShort(i * 2));
            case BFLOAT16 -> Float.intBitsToFloat((b.getShort(i * 2) & 0xffff) << 16);
            default -> throw new IllegalStateException("cannot convert " + dtype + " to float");
          };
    }
    return out;
  }

  @Override
  public String toString() {
    return name + ":" + dtype + Arrays.toString(shape);
  }
}
