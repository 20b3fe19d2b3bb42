package dev.infercost.models;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Conversions between infercost tensors and ONNX Runtime tensors. */
public final class OrtTensors {
  private OrtTensors() {}

  /** A native ONNX Runtime tensor over {@code t}'s data; the caller closes it. */
  public static OnnxTensor toOrt(Tensor t) throws OrtException {
    OnnxJavaType jt =
        switch (t.dtype()) {
          case FLOAT32 -> OnnxJavaType.FLOAT;
          case FLOAT64 -> OnnxJavaType.DOUBLE;
          case FLOAT16 -> OnnxJavaType.FLOAT16;
          case BFLOAT16 -> OnnxJavaType.BFLOAT16;
          case INT64 -> OnnxJavaType.INT64;
          case INT32 -> OnnxJavaType.INT32;
          case INT16 -> OnnxJavaType.INT16;
          case INT8 -> OnnxJavaType.INT8;
          case UINT8 -> OnnxJavaType.UINT8;
          case BOOL -> OnnxJavaType.BOOL;
          default -> throw new IllegalArgumentException("unsupported tensor type " + t.dtype());
        };
    return OnnxTensor.createTensor(Models.ortEnvironment(), t.data(), t.shape(), jt);
  }

  /** A copy of an ONNX Runtime tensor's data under {@code name}. */
  public static Tensor fromOrt(String name, OnnxTensor t) {
    DType dt =
        switch (t.getInfo().type) {
          case FLOAT -> DType.FLOAT32;
          case DOUBLE -> DType.FLOAT64;
          case FLOAT16 -> DType.FLOAT16;
          case BFLOAT16 -> DType.BFLOAT16;
          case INT64 -> DType.INT64;
          case INT32 -> DType.INT32;
          case INT16 -> DType.INT16;
          case INT8 -> DType.INT8;
          case UINT8 -> DType.UINT8;
          case BOOL -> DType.BOOL;
          default -> throw new IllegalArgumentException("unsupported output type of " + name);
        };
    ByteBuffer src = t.getByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    ByteBuffer copy = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.LITTLE_ENDIAN);
    copy.put(src).flip();
    return Tensor.of(name, dt, t.getInfo().getShape(), copy);
  }
}
