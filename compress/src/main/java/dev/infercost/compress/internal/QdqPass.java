package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.CompressException;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Static int8 in QDQ form, the explicit-quantization format that TensorRT (and ONNX Runtime's
 * TensorRT provider) turns into int8 tensor-core kernels:
 *
 * <pre>
 *   X ── QuantizeLinear(s_x, 0) ── DequantizeLinear(s_x, 0) ──┐
 *   W_q ── DequantizeLinear(s_w, 0, axis = output channel) ───┴── MatMul / Gemm / Conv ── Y
 * </pre>
 *
 * Everything is symmetric (int8 zero points 0, as TensorRT requires). The activation scale is one
 * per tensor, {@code clip ÷ 127}, where the clip is the calibrated max |x| ({@code
 * PassContext.activationMax}) or the smaller value on a geometric grid below it that minimizes the
 * squared quantization error over the calibration samples ({@code activationSamples}), the idea of
 * TensorRT's MSE calibrator. Weight scales are one per output channel with {@code perChannel},
 * which needs opset 13: older models are upgraded ({@link OpsetUpgrade}), and where that is refused
 * the weights get one scale per tensor and the report says so. Weights use the full [-127, 127]:
 * GPU int8 kernels accumulate in int32 and cannot saturate the way AVX2 kernels without VNNI can.
 * Activation × activation products (attention) stay in float.
 */
public final class QdqPass implements Pass {
  private static final int QMAX = 127;

  /** Clipping candidates: max × {@value #CLIP_RATIO}^k for k = 0..{@value #CLIP_STEPS}. */
  private static final double CLIP_RATIO = 0.9;

  private static final int CLIP_STEPS = 20;

  /** Calibration rows per activation the clip search scores its candidates on. */
  public static final int SAMPLE_ROWS = 2048;

  @Override
  public String name() {
    return "int8-qdq";
  }

  @Override
  public boolean idempotent() {
    return true; // its output has no float weight left to quantize
  }

  /** The activations (first inputs) of the nodes this pass may rewrite: what to calibrate. */
  public static Set<String> activations(GraphProto g, PassContext ctx) {
    Map<String, TensorProto> init = Graphs.initializers(g);
    Set<String> out = new LinkedHashSet<>();
    for (NodeProto n : g.getNodeList()) {
      Op op = Ops.weighted(n.getOpType());
      if (op != null && op != Op.GATHER && ctx.filter().accepts(n)) {
        if (unsupported(n, op, init) == null) {
          out.add(n.getInput(0));
        }
      }
    }
    return out;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) throws CompressException {
    long opset = OpsetUpgrade.opset(model);
    OpsetUpgrade.requireQuantizeLinear(model, name());
    List<String> rewritten = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    boolean perChannel = ctx.perChannel();
    ModelProto m = model;
    if (perChannel && opset < OpsetUpgrade.TARGET) {
      OpsetUpgrade.Outcome up = OpsetUpgrade.to13(model);
      if (up.model() == null) {
        perChannel = false;
        skipped.add(
            "per-channel weight scales need opset 13 and the model could not be upgraded ("
                + up.refused()
                + "): one scale per weight tensor");
      } else {
        m = up.model();
        rewritten.add("opset " + opset + " -> " + OpsetUpgrade.TARGET + " (" + up.changes() + ")");
      }
    }
    GraphProto g = m.getGraph();
    Map<String, TensorProto> init = Graphs.initializers(g);
    Names names = new Names(g);
    String zero = names.fresh("int8", "_zero_point");
    List<TensorProto> newInits = new ArrayList<>();
    newInits.add(Initializers.ofBytes(zero, TensorProto.DataType.INT8, new long[0], new byte[1]));
    Map<String, String> dequantized = new HashMap<>();
    List<NodeProto> nodes = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      Op op = Ops.weighted(n.getOpType());
      if (op == null || op == Op.GATHER || !ctx.filter().accepts(n)) {
        nodes.add(n);
        continue;
      }
      String why = unsupported(n, op, init);
      float range =
          why == null
              ? range(
                  ctx.activationMax().get(n.getInput(0)),
                  ctx.activationSamples().get(n.getInput(0)))
              : 0;
      if (why == null && !(range > 0 && Float.isFinite(range))) {
        why = "no calibrated range for " + n.getInput(0);
      }
      if (why != null) {
        skipped.add(Ops.label(n) + ": " + why);
        nodes.add(n);
        continue;
      }
      String x = n.getInput(0);
      String xq = dequantized.get(x);
      if (xq == null) {
        xq = activation(x, range, zero, names, nodes, newInits);
        dequantized.put(x, xq);
      }
      String w = n.getInput(1);
      // The output-channel axis of the weight: MatMul [K, N] and Gemm [K, N] → 1; Gemm with
      // transB [N, K] and Conv [M, C/group, k...] → 0.
      int axis =
          !perChannel
              ? -1
              : op == Op.CONV || op == Op.GEMM && Ops.intAttr(n, "transB", 0) == 1 ? 0 : 1;
      String key = w + "|" + axis;
      String wq = dequantized.get(key);
      if (wq == null) {
        wq = weight(init.get(w), axis, zero, names, nodes, newInits);
        dequantized.put(key, wq);
      }
      nodes.add(n.toBuilder().setInput(0, xq).setInput(1, wq).build());
      rewritten.add(Ops.label(n));
    }
    GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(newInits);
    ModelProto out = m.toBuilder().setGraph(Graphs.dropUnusedInitializers(gb.build())).build();
    return new PassResult(name(), out, rewritten, skipped);
  }

  /**
   * The activation's clipping range: the largest |x| seen, or a smaller clip where that lowers the
   * squared quantization error over the calibration samples. Rare large values then saturate
   * instead of coarsening the step for every other value.
   */
  static float range(float[] channelMax, List<float[]> samples) {
    if (channelMax == null) {
      return 0;
    }
    float max = 0;
    for (float v : channelMax) {
      max = Math.max(max, v);
    }
    if (samples == null || samples.isEmpty() || !(max > 0)) {
      return max;
    }
    float best = max;
    double bestError = Double.MAX_VALUE;
    for (int k = 0; k <= CLIP_STEPS; k++) {
      float clip = max * (float) Math.pow(CLIP_RATIO, k);
      float scale = clip / QMAX;
      double error = 0;
      for (float[] batch : samples) {
        for (float x : batch) {
          float q = Math.max(-QMAX, Math.min(QMAX, Math.round(x / scale))) * scale;
          error += (x - q) * (x - q);
        }
      }
      if (error < bestError) {
        bestError = error;
        best = clip;
      }
    }
    return best;
  }

  /** Emits Q and DQ for activation {@code x}; returns the dequantized value's name. */
  private static String activation(
      String x,
      float range,
      String zero,
      Names names,
      List<NodeProto> nodes,
      List<TensorProto> inits) {
    String scale = names.fresh(x, "_scale");
    String q = names.fresh(x, "_quantized");
    String dq = names.fresh(x, "_dequantized");
    inits.add(Initializers.ofFloats(scale, new long[0], new float[] {range / QMAX}));
    nodes.add(
        Op.QUANTIZE_LINEAR
            .node(names.fresh(x, "_QuantizeLinear"))
            .addInput(x)
            .addInput(scale)
            .addInput(zero)
            .addOutput(q)
            .build());
    nodes.add(
        Op.DEQUANTIZE_LINEAR
            .node(names.fresh(x, "_DequantizeLinear"))
            .addInput(q)
            .addInput(scale)
            .addInput(zero)
            .addOutput(dq)
            .build());
    return dq;
  }

  /** Quantizes weight {@code w} along {@code axis} (-1: per tensor) and emits its DQ node. */
  private static String weight(
      TensorProto w,
      int axis,
      String zero,
      Names names,
      List<NodeProto> nodes,
      List<TensorProto> inits) {
    long[] dims = Initializers.dims(w);
    WeightQuantizer.Symmetric s =
        WeightQuantizer.symmetric(Initializers.floats(w), dims, axis, QMAX);
    String q = names.fresh(w.getName(), "_quantized");
    String scale = names.fresh(w.getName(), "_scale");
    String dq = names.fresh(w.getName(), "_dequantized");
    inits.add(Initializers.ofBytes(q, TensorProto.DataType.INT8, dims, s.values()));
    long[] scaleDims = axis < 0 ? new long[0] : new long[] {s.scales().length};
    inits.add(Initializers.ofFloats(scale, scaleDims, s.scales()));
    String zp = zero;
    if (axis >= 0) {
      zp = names.fresh(w.getName(), "_zero_point");
      inits.add(
          Initializers.ofBytes(
              zp, TensorProto.DataType.INT8, scaleDims, new byte[s.scales().length]));
    }
    NodeProto.Builder b =
        Op.DEQUANTIZE_LINEAR
            .node(names.fresh(w.getName(), "_DequantizeLinear"))
            .addInput(q)
            .addInput(scale)
            .addInput(zp)
            .addOutput(dq);
    if (axis >= 0) {
      b.addAttribute(Ops.intAttribute("axis", axis));
    }
    nodes.add(b.build());
    return dq;
  }

  private static String unsupported(NodeProto n, Op op, Map<String, TensorProto> init) {
    if (n.getInputCount() > 1 && init.containsKey(n.getInput(0))) {
      return "the activation is a constant";
    }
    return Ops.weightProblem(n, op, init);
  }
}
