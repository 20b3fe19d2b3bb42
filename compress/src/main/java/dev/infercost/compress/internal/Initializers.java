package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.infercost.models.DType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Map;

/** Reading and making initializer tensors. */
public final class Initializers {
  private Initializers() {}

  /** The float data of a FLOAT tensor (raw_data or float_data), or {@code null} for other types. */
  public static float[] floats(TensorProto t) {
    if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      return null;
    }
    if (t.hasRawData() && !t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      float[] out = new float[b.remaining() / 4];
      b.asFloatBuffer().get(out);
      return out;
    }
    float[] out = new float[t.getFloatDataCount()];
    for (int i = 0; i < out.length; i++) {
      out[i] = t.getFloatData(i);
    }
    return out;
  }

  /** The value of a one-element FLOAT tensor, or {@code null} (absent, other type, more values). */
  public static Float scalar(TensorProto t) {
    float[] v = t == null ? null : floats(t);
    return v == null || v.length != 1 ? null : v[0];
  }

  /**
   * Input {@code i} of {@code n} when it is a finite one-element FLOAT initializer in {@code init},
   * else null.
   */
  public static Float scalarInput(NodeProto n, int i, Map<String, TensorProto> init) {
    Float v = i < n.getInputCount() ? scalar(init.get(n.getInput(i))) : null;
    return v != null && Float.isFinite(v) ? v : null;
  }

  /**
   * The values of an INT64 tensor (raw_data or int64_data), or {@code null} for other types and for
   * no tensor.
   */
  public static long[] longs(TensorProto t) {
    if (t == null || t.getDataType() != TensorProto.DataType.INT64_VALUE) {
      return null;
    }
    if (t.hasRawData() && !t.getRawData().isEmpty()) {
      ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
      long[] out = new long[b.remaining() / 8];
      b.asLongBuffer().get(out);
      return out;
    }
    return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
  }

  /** An INT64 tensor of the given shape. */
  public static TensorProto ofLongs(String name, long[] dims, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return raw(name, TensorProto.DataType.INT64, dims, b.array());
  }

  public static long[] dims(TensorProto t) {
    return t.getDimsList().stream().mapToLong(Long::longValue).toArray();
  }

  public static TensorProto ofFloats(String name, long[] dims, float[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return raw(name, TensorProto.DataType.FLOAT, dims, b.array());
  }

  /** A 1-D INT64 tensor. */
  public static TensorProto ofLongs(String name, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    b.asLongBuffer().put(values);
    return raw(name, TensorProto.DataType.INT64, new long[] {values.length}, b.array());
  }

  /** An INT8 or UINT8 tensor (the bytes are taken as they are). */
  public static TensorProto ofBytes(
      String name, TensorProto.DataType type, long[] dims, byte[] values) {
    return raw(name, type, dims, values);
  }

  private static TensorProto raw(String name, TensorProto.DataType type, long[] dims, byte[] data) {
    TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type.getNumber());
    for (long d : dims) {
      b.addDims(d);
    }
    return b.setRawData(ByteString.copyFrom(data)).build();
  }

  /** Bytes of a tensor's data: its raw data, else element count × element size. */
  public static long bytes(TensorProto t) {
    if (t.hasRawData() && !t.getRawData().isEmpty()) {
      return t.getRawData().size();
    }
    return count(t.getDimsList()) * DType.fromOnnx(t.getDataType()).bytes();
  }

  /** Element count of {@code dims}. */
  public static long count(List<Long> dims) {
    long n = 1;
    for (long d : dims) {
      n *= d;
    }
    return n;
  }
}
