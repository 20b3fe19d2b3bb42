package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
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

  /** A node's name for reports, or {@code OpType->outputs} when it has none. */
  public static String label(NodeProto n) {
    return n.getName().isEmpty()
        ? n.getOpType() + "->" + String.join(",", n.getOutputList())
        : n.getName();
  }

  /**
   * Why {@code n} (MatMul, Gemm or Conv) has no weight a pass can quantize, or {@code null}: the
   * weight must be a float32 initializer, 2-D for MatMul/Gemm and at least 3-D for Conv, and Gemm
   * must not transpose its activation.
   */
  public static String weightProblem(NodeProto n, Ops op, Map<String, TensorProto> init) {
    if (n.getInputCount() < 2 || !init.containsKey(n.getInput(1))) {
      return "weight is not a constant initializer";
    }
    TensorProto w = init.get(n.getInput(1));
    if (w.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      return "weight is not float32";
    }
    if (op == CONV ? w.getDimsCount() < 3 : w.getDimsCount() != 2) {
      return op == CONV ? "weight has rank " + w.getDimsCount() : "weight is not 2-D";
    }
    if (op == GEMM && intAttr(n, "transA", 0) != 0) {
      return "Gemm with transA=1";
    }
    return null;
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
