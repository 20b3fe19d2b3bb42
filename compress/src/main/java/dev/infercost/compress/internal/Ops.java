package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.models.Op;
import java.util.Map;

/**
 * Node helpers the passes share: the weight-carrying ops, node labels, attribute access. The
 * operator facts themselves live in {@link Op}, the one table that {@code models} also reads.
 */
public final class Ops {
  private Ops() {}

  /** The entry for a weight-carrying op (MatMul, Gemm, Conv, Gather), or {@code null}. */
  public static Op weighted(String opType) {
    Op op = Op.of(opType);
    return op != null && op.weightInput() >= 0 ? op : null;
  }

  /** A node's name for reports, or {@code OpType->outputs} when it has none. */
  public static String label(NodeProto n) {
    return n.getName().isEmpty()
        ? n.getOpType() + "->" + String.join(",", n.getOutputList())
        : n.getName();
  }

  /** Why a node whose weight input no initializer holds is left alone. */
  public static final String COMPUTED_WEIGHT = "weight is not a constant initializer";

  /** Why a MatMul whose second input no initializer holds is left alone. */
  public static final String COMPUTED_MATMUL =
      COMPUTED_WEIGHT + " (activation × activation, as in attention)";

  /** A Cast of {@code from} to element type {@code type}, written to {@code to}. */
  public static NodeProto cast(Names names, String from, String to, int type) {
    return Op.CAST
        .node(names.fresh(to, "_Cast"))
        .addInput(from)
        .addOutput(to)
        .addAttribute(intAttribute("to", type))
        .build();
  }

  /**
   * Why {@code n} (MatMul, Gemm or Conv) has no weight a pass can quantize, or {@code null}: the
   * weight must be a float32 initializer, 2-D for MatMul/Gemm and at least 3-D for Conv, and Gemm
   * must not transpose its activation.
   */
  public static String weightProblem(NodeProto n, Op op, Map<String, TensorProto> init) {
    int wi = op.weightInput();
    if (n.getInputCount() <= wi || !init.containsKey(n.getInput(wi))) {
      return op == Op.MATMUL ? COMPUTED_MATMUL : COMPUTED_WEIGHT;
    }
    TensorProto w = init.get(n.getInput(wi));
    if (w.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
      return "weight is not float32";
    }
    if (op == Op.CONV ? w.getDimsCount() < 3 : w.getDimsCount() != 2) {
      return op == Op.CONV ? "weight has rank " + w.getDimsCount() : "weight is not 2-D";
    }
    if (op == Op.GEMM && intAttr(n, "transA", 0) != 0) {
      return "Gemm with transA=1";
    }
    return null;
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

  /**
   * The {@code axes} of a Squeeze, Unsqueeze or Reduce* node: its attribute, else its second
   * input's constant values (where newer opsets moved them), else {@code null}.
   */
  public static long[] axes(NodeProto n, Map<String, TensorProto> init) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals("axes")) {
        return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
      }
    }
    return n.getInputCount() > 1 ? Initializers.longs(init.get(n.getInput(1))) : null;
  }

  public static AttributeProto intsAttribute(String name, long... v) {
    AttributeProto.Builder b =
        AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      b.addInts(x);
    }
    return b.build();
  }
}
