package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
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
import java.util.Set;

/**
 * Dynamic int8 for ONNX Runtime's fused {@code com.microsoft::Attention} (what its transformer
 * optimizer and Optimum's O2+ write for a BERT-style encoder): the node becomes {@code QAttention},
 * which runs the Q/K/V projection on int8 weights with its input quantized per call by a {@code
 * DynamicQuantizeLinear} before it (one for every Attention node that reads the same value).
 * Weights are symmetric int8 (zero point 0), one scale per output column by default, else one per
 * tensor; bias, mask and past stay float as they are. Left alone, with the reason: an Attention
 * whose weight is not a constant 2-D float32 initializer, without a bias (QAttention needs one),
 * with {@code qkv_hidden_sizes} (Q, K and V of different widths) or an input past {@code past}
 * (attention bias, past sequence length), or with an attribute QAttention does not take.
 */
public final class DynamicAttentionPass implements Pass {
  private static final String MS_DOMAIN = "com.microsoft";

  /** The attributes Attention and QAttention share; any other has no QAttention form. */
  private static final Set<String> SHARED =
      Set.of(
          "do_rotary",
          "mask_filter_value",
          "num_heads",
          "past_present_share_buffer",
          "rotary_embedding_dim",
          "scale",
          "unidirectional");

  @Override
  public String name() {
    return "int8-dynamic-attention";
  }

  @Override
  public boolean idempotent() {
    return true; // its output has no Attention with a constant float weight left to rewrite
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    Map<String, TensorProto> init = Graphs.initializers(g);
    Names names = new Names(g);
    int qmax = ctx.reducedRange() ? 63 : 127;
    Map<String, String[]> quantized = new HashMap<>();
    List<TensorProto> newInits = new ArrayList<>();
    List<NodeProto> nodes = new ArrayList<>();
    List<String> rewritten = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      if (!isAttention(n) || !ctx.filter().accepts(n)) {
        nodes.add(n);
        continue;
      }
      String why = unsupported(n, init);
      if (why != null) {
        skipped.add(Ops.label(n) + ": " + why);
        nodes.add(n);
        continue;
      }
      String[] xq = DynamicMatMulPass.quantizedActivation(n.getInput(0), quantized, names, nodes);
      String[] w = quantize(n, init.get(n.getInput(1)), ctx.perChannel(), qmax, names, newInits);
      NodeProto.Builder q =
          Op.Q_ATTENTION
              .node(n.getName().isEmpty() ? "" : names.fresh(n.getName(), "_quant"))
              .setDomain(MS_DOMAIN)
              .addInput(xq[0])
              .addInput(w[0])
              .addInput(n.getInput(2))
              .addInput(xq[1])
              .addInput(w[1])
              .addInput(n.getInputCount() > 3 ? n.getInput(3) : "")
              .addInput(xq[2])
              .addInput(w[2])
              .addInput(n.getInputCount() > 4 ? n.getInput(4) : "")
              .addAllOutput(n.getOutputList())
              .addAllAttribute(n.getAttributeList());
      nodes.add(q.build());
      rewritten.add(Ops.label(n));
    }
    if (rewritten.isEmpty()) {
      return new PassResult(name(), model, rewritten, skipped);
    }
    GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(newInits);
    ModelProto.Builder out = model.toBuilder().setGraph(Graphs.dropUnusedInitializers(gb.build()));
    return new PassResult(name(), out.build(), rewritten, skipped);
  }

  /** Whether {@code n} is ONNX Runtime's fused {@code com.microsoft::Attention}. */
  static boolean isAttention(NodeProto n) {
    return Op.ATTENTION.is(n.getOpType()) && MS_DOMAIN.equals(n.getDomain());
  }

  /** Why {@code n} has no QAttention form, or {@code null} when it has. */
  static String unsupported(NodeProto n, Map<String, TensorProto> init) {
    TensorProto w = n.getInputCount() > 1 ? init.get(n.getInput(1)) : null;
    if (w == null) {
      return Ops.COMPUTED_WEIGHT;
    }
    if (w.getDataType() != TensorProto.DataType.FLOAT_VALUE || w.getDimsCount() != 2) {
      return "weight is not a 2-D float32 tensor";
    }
    if (n.getInputCount() < 3 || n.getInput(2).isEmpty()) {
      return "no bias, which QAttention needs";
    }
    for (int i = 5; i < n.getInputCount(); i++) {
      if (!n.getInput(i).isEmpty()) {
        return "an attention bias or past sequence length has no QAttention form";
      }
    }
    for (AttributeProto a : n.getAttributeList()) {
      if (!SHARED.contains(a.getName())) {
        return "attribute " + a.getName() + " has no QAttention form";
      }
    }
    return null;
  }

  /**
   * {@code n}'s weight ({@code [input, 3 × hidden]}) as a MatMul's is quantized, with the int8 zero
   * points QAttention reads beside its scales; returns {quantized, scale, zero point} initializer
   * names.
   */
  private static String[] quantize(
      NodeProto n, TensorProto w, boolean perColumn, int qmax, Names names, List<TensorProto> out) {
    String[] q = DynamicMatMulPass.quantizeWeight(w, n, Op.MATMUL, perColumn, qmax, names, out);
    int scales = perColumn ? (int) w.getDims(1) : 1;
    String zName = names.fresh(w.getName(), "_zero_point");
    out.add(
        Initializers.ofBytes(
            zName,
            TensorProto.DataType.INT8,
            perColumn ? new long[] {scales} : new long[0],
            new byte[scales]));
    return new String[] {q[0], q[1], zName};
  }
}
