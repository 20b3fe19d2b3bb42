package dev.infercost.models;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Element types infercost reads and writes, with their ONNX codes and sizes. */
public enum DType {
  FLOAT32(DataType.FLOAT, 4),
  FLOAT16(DataType.FLOAT16, 2),
  BFLOAT16(DataType.BFLOAT16, 2),
  FLOAT64(DataType.DOUBLE, 8),
  INT8(DataType.INT8, 1),
  UINT8(DataType.UINT8, 1),
  INT16(DataType.INT16, 2),
  INT32(DataType.INT32, 4),
  INT64(DataType.INT64, 8),
  BOOL(DataType.BOOL, 1),
  STRING(DataType.STRING, 0),
  OTHER(DataType.UNDEFINED, 0);

  private final DataType onnx;
  private final int bytes;

  DType(DataType onnx, int bytes) {
    this.onnx = onnx;
    this.bytes = bytes;
  }

  /** Bytes per element; 0 for variable-size or unknown types. */
  public int bytes() {
    return bytes;
  }

  public DataType onnx() {
    return onnx;
  }

  /** Maps an ONNX {@code TensorProto.DataType} code; unknown codes give {@link #OTHER}. */
  public static DType fromOnnx(int code) {
    for (DType t : values()) {
      if (t.onnx.getNumber() == code && t != OTHER) {
        return t;
      }
    }
    return OTHER;
  }

  /** Short lower-case name as printed in tables and reports (JSON included): float32, int64, ... */
  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return label();
  }
}
