package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.Map;

/** A per-tensor UINT8 or INT8 zero point: its value, its type and the type's range. */
record ZeroPoint(long value, TensorProto.DataType type, long lowest, long highest) {
  /** {@code dq}'s zero point when it is a one-element UINT8 or INT8 initializer; else null. */
  static ZeroPoint of(NodeProto dq, Map<String, TensorProto> init) {
    TensorProto t = dq.getInputCount() > 2 ? init.get(dq.getInput(2)) : null;
    if (t == null || !t.hasRawData() || t.getRawData().size() != 1) {
      return null;
    }
    byte v = t.getRawData().byteAt(0);
    if (t.getDataType() == TensorProto.DataType.UINT8_VALUE) {
      return new ZeroPoint(v & 0xff, TensorProto.DataType.UINT8, 0, 255);
    }
    return t.getDataType() == TensorProto.DataType.INT8_VALUE
        ? new ZeroPoint(v, TensorProto.DataType.INT8, -128, 127)
        : null;
  }

  /** Whether level {@code q} is in the type's range. */
  boolean holds(long q) {
    return q >= lowest && q <= highest;
  }

  /** A one-element initializer of this type holding level {@code q} (in range). */
  TensorProto initializer(String name, long q) {
    return Initializers.ofBytes(name, type, new long[0], new byte[] {(byte) q});
  }
}
