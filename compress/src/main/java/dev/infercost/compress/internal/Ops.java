package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.Map;

/** Operator facts the passes rely on, in one table instead of scattered literals. */
public enum Ops {
  MATMUL("MatMul", 1),
  GEMM("Gemm", 1),
  CONV("Conv", 1),
  GATHER("Gather", 0),
  DYNAMIC_QUANTIZE_LINEAR("DynamicQuantizeLinear", -1),
  MATMUL_INTEGER("MatMulInteger", 1),
  QUANTIZE_LINEAR("QuantizeLinear", -1),
  DEQUANTIZE_LINEAR("DequantizeLinear", -1),
  CAST("Cast", -1),
  MUL("Mul", -1),
  ADD("Add", -1);

  /** The ONNX op type. */
  public final String type;

  /** Index of the input that holds the weight, or -1. */
  public final int weightInput;

  Ops(String type, int weightInput) {
    this.type = type;
    this.weightInput = weightInput;
  }

  private static final Map<String, Ops> BY_TYPE =
      Map.of("MatMul", MATMUL, "Gemm", GEMM, "Conv", CONV, "Gather", GATHER);

  /** The entry for a weight-carrying op, or {@code null}. */
  public static Ops weighted(String opType) {
    return BY_TYPE.get(opType);
  }

  public NodeProto.Builder node(String name) {
    return NodeProto.newBuilder().setOpType(type).setName(name);
  }

  public static long intAttr(NodeProto n, String name, long dflt) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getI();
      }
    }
    return dflt;
  }

  public static float floatAttr(NodeProto n, String name, float dflt) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a.getF();
      }
    }
    return dflt;
  }

  public static AttributeProto intAttribute(String name, long v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }
}
