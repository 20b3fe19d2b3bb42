package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.List;

/**
 * Folds a chain of Mul and Div by positive scalar constants that is the only reader of a per-tensor
 * DequantizeLinear into that DequantizeLinear's scale: {@code k · s (q − z)} is {@code DQ(q)} at
 * scale {@code k · s}, so the float ops go and the values are the same up to float rounding. A
 * hard-swish written out as {@code x · Clip(x + 3, 0, 6) / 6} leaves its Div (and a scalar scale
 * after it, as in PP-LCNet's learnable affine blocks) after the DQ of its integer product: two
 * float passes over the tensor per block.
 */
public final class DqScaleFoldPass implements Pass {
  @Override
  public String name() {
    return "fold-dq-scale";
  }

  @Override
  public boolean idempotent() {
    return true; // a folded DQ's output no longer goes to a Mul or Div by a constant
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphEdit e = new GraphEdit(model.getGraph());
    for (NodeProto dq : model.getGraph().getNodeList()) {
      if (Op.of(dq.getOpType()) != Op.DEQUANTIZE_LINEAR || !Op.defaultDomain(dq.getDomain())) {
        continue;
      }
      Float s = e.scalar(dq, 1);
      if (s == null) {
        continue;
      }
      double factor = 1;
      String y = dq.getOutput(0);
      List<NodeProto> chain = new ArrayList<>();
      for (List<NodeProto> r = e.readers.getOrDefault(y, List.of());
          r.size() == 1 && !e.pinned.contains(y);
          r = e.readers.getOrDefault(y, List.of())) {
        double k = positiveFactor(r.get(0), y, e);
        if (!(k > 0)) {
          break;
        }
        factor *= k;
        chain.add(r.get(0));
        y = r.get(0).getOutput(0);
      }
      if (chain.isEmpty()) {
        continue;
      }
      String scale = e.names.fresh(dq.getInput(1), "_folded");
      e.added.add(
          Initializers.ofFloats(
              scale,
              Initializers.dims(e.init.get(dq.getInput(1))),
              new float[] {(float) (s * factor)}));
      e.replaced.put(dq, dq.toBuilder().setInput(1, scale).setOutput(0, y).build());
      e.dropped.addAll(chain);
      e.rewritten.add(String.join("+", chain.stream().map(Ops::label).toList()));
    }
    return e.result(name(), model);
  }

  /**
   * What {@code n} multiplies {@code x} by: a Mul by, or Div of {@code x} by, a one-element float
   * constant; NaN for anything else.
   */
  private static double positiveFactor(NodeProto n, String x, GraphEdit e) {
    Op op = Op.of(n.getOpType());
    if (!Op.defaultDomain(n.getDomain()) || n.getInputCount() != 2) {
      return Double.NaN;
    }
    if (op == Op.MUL) {
      Float c = e.scalar(n, n.getInput(0).equals(x) ? 1 : 0);
      return c == null ? Double.NaN : c;
    }
    if (op == Op.DIV && n.getInput(0).equals(x) && !n.getInput(1).equals(x)) {
      Float c = e.scalar(n, 1);
      return c == null || c == 0 ? Double.NaN : 1.0 / c;
    }
    return Double.NaN;
  }
}
