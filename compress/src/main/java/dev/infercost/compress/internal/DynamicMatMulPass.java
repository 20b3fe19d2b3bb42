package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Dynamic int8 for MatMul and Gemm with constant 2-D weights, in the node pattern ONNX Runtime's
 * CPU provider fuses into {@code DynamicQuantizeMatMul}:
 *
 * <pre>
 *   A ─ DynamicQuantizeLinear ─┬─ A_q ─┐
 *                              ├─ A_zp ┼─ MatMulInteger(A_q, W_q, A_zp) ─ Cast(float) ─ Mul ─ Y
 *                              └─ A_s ─ Mul(A_s, W_s) ───────────────────────────────────────┘
 * </pre>
 *
 * Weights are symmetric int8 (zero point 0), per output column by default. One
 * DynamicQuantizeLinear serves every MatMul that reads the same activation.
 */
public final class DynamicMatMulPass implements Pass {
  @Override
  public String name() {
    return "int8-dynamic-matmul";
  }

  /**
   * The outputs {quantized, scale, zero point} of the DynamicQuantizeLinear of {@code a}, the node
   * added to {@code nodes} the first time {@code a} is asked for ({@code done} remembers it).
   */
  static String[] quantizedActivation(
      String a, Map<String, String[]> done, Names names, List<NodeProto> nodes) {
    String[] aq = done.get(a);
    if (aq == null) {
      aq =
          new String[] {
            names.fresh(a, "_quantized"), names.fresh(a, "_scale"), names.fresh(a, "_zero_point")
          };
      done.put(a, aq);
      nodes.add(
          Op.DYNAMIC_QUANTIZE_LINEAR
              .node(names.fresh(a, "_DynamicQuantizeLinear"))
              .addInput(a)
              .addOutput(aq[0])
              .addOutput(aq[1])
              .addOutput(aq[2])
              .build());
    }
    return aq;
  }

  @Override
  public boolean idempotent() {
    return true; // its output has no float MatMul with a constant weight left to rewrite
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    Map<String, TensorProto> init = Graphs.initializers(g);
    Names names = new Names(g);
    int qmax = ctx.reducedRange() ? 63 : 127;
    Map<String, String[]> quantizedActivations = new HashMap<>();
    Map<String, String[]> quantizedWeights = new HashMap<>();
    List<TensorProto> newInits = new ArrayList<>();
    List<NodeProto> nodes = new ArrayList<>();
    List<String> rewritten = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      Op op = Ops.weighted(n.getOpType());
      if (op != Op.MATMUL && op != Op.GEMM || !ctx.filter().accepts(n)) {
        nodes.add(n);
        continue;
      }
      String why = unsupported(n, op, init);
      if (why != null) {
        skipped.add(Ops.label(n) + ": " + why);
        nodes.add(n);
        continue;
      }
      String base = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
      String[] aq = quantizedActivation(n.getInput(0), quantizedActivations, names, nodes);
      String wName = n.getInput(1);
      String weightKey = wName + (op == Op.GEMM ? "|gemm" + gemmKey(n) : "");
      String[] wq = quantizedWeights.get(weightKey);
      if (wq == null) {
        wq = quantizeWeight(init.get(wName), n, op, ctx.perChannel(), qmax, names, newInits);
        quantizedWeights.put(weightKey, wq);
      }
      String scales = names.fresh(base, "_quant_scales");
      String yInt = names.fresh(base, "_int32");
      String yFloat = names.fresh(base, "_int32_float");
      boolean bias = op == Op.GEMM && n.getInputCount() > 2 && !n.getInput(2).isEmpty();
      String y = bias ? names.fresh(base, "_no_bias") : n.getOutput(0);
      nodes.add(
          Op.MUL
              .node(names.fresh(base, "_quant_scales_mul"))
              .addInput(aq[1])
              .addInput(wq[1])
              .addOutput(scales)
              .build());
      nodes.add(
          Op.MATMUL_INTEGER
              .node(names.fresh(base, "_quant"))
              .addInput(aq[0])
              .addInput(wq[0])
              .addInput(aq[2])
              .addOutput(yInt)
              .build());
      nodes.add(
          Op.CAST
              .node(names.fresh(base, "_cast"))
              .addInput(yInt)
              .addOutput(yFloat)
              .addAttribute(Ops.intAttribute("to", TensorProto.DataType.FLOAT_VALUE))
              .build());
      nodes.add(
          Op.MUL
              .node(names.fresh(base, "_output_scale_mul"))
              .addInput(yFloat)
              .addInput(scales)
              .addOutput(y)
              .build());
      if (bias) {
        nodes.add(
            Op.ADD
                .node(names.fresh(base, "_bias_add"))
                .addInput(y)
                .addInput(gemmBias(n, init, names, newInits))
                .addOutput(n.getOutput(0))
                .build());
      }
      rewritten.add(Ops.label(n));
    }
    GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(newInits);
    ModelProto out = model.toBuilder().setGraph(Graphs.dropUnusedInitializers(gb.build())).build();
    return new PassResult(name(), out, rewritten, skipped);
  }

  private static String unsupported(NodeProto n, Op op, Map<String, TensorProto> init) {
    String why = Ops.weightProblem(n, op, init);
    if (why == null
        && op == Op.GEMM
        && n.getInputCount() > 2
        && !n.getInput(2).isEmpty()
        && !init.containsKey(n.getInput(2))) {
      return "Gemm bias is not constant";
    }
    return why;
  }

  private static String gemmKey(NodeProto n) {
    return Ops.intAttr(n, "transB", 0) + "/" + Ops.floatAttr(n, "alpha", 1f);
  }

  /**
   * {@code w} as symmetric int8 (for a Gemm, transposed and scaled as {@code n} says), one scale
   * per output column with {@code perChannel}, else one; returns {quantized weight, scale}
   * initializer names.
   */
  static String[] quantizeWeight(
      TensorProto w,
      NodeProto n,
      Op op,
      boolean perChannel,
      int qmax,
      Names names,
      List<TensorProto> out) {
    float[] v = Initializers.floats(w);
    int rows = (int) w.getDims(0);
    int cols = (int) w.getDims(1);
    if (op == Op.GEMM) {
      float alpha = Ops.floatAttr(n, "alpha", 1f);
      if (Ops.intAttr(n, "transB", 0) == 1) {
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
          for (int c = 0; c < cols; c++) {
            t[c * rows + r] = v[r * cols + c];
          }
        }
        v = t;
        int tmp = rows;
        rows = cols;
        cols = tmp;
      }
      if (alpha != 1f) {
        for (int i = 0; i < v.length; i++) {
          v[i] *= alpha;
        }
      }
    }
    WeightQuantizer.Symmetric q = WeightQuantizer.symmetric(v, rows, cols, qmax, perChannel);
    String base = w.getName();
    String qName = names.fresh(base, "_quantized");
    String sName = names.fresh(base, "_scale");
    long[] scaleDims = perChannel ? new long[] {cols} : new long[0];
    out.add(
        Initializers.ofBytes(
            qName, TensorProto.DataType.INT8, new long[] {rows, cols}, q.values()));
    out.add(Initializers.ofFloats(sName, scaleDims, q.scales()));
    // Symmetric weights: the weight zero point is 0, MatMulInteger's default, so it is omitted.
    return new String[] {qName, sName};
  }

  private static String gemmBias(
      NodeProto n, Map<String, TensorProto> init, Names names, List<TensorProto> out) {
    float beta = Ops.floatAttr(n, "beta", 1f);
    TensorProto c = init.get(n.getInput(2));
    if (beta == 1f) {
      return c.getName();
    }
    float[] v = Initializers.floats(c);
    for (int i = 0; i < v.length; i++) {
      v[i] *= beta;
    }
    String name = names.fresh(c.getName(), "_beta");
    out.add(Initializers.ofFloats(name, Initializers.dims(c), v));
    return name;
  }
}
