package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.util.List;

/**
 * Runs a Pad between two quantized ops on the integer tensor: {@code DQ(q; s, z) → Pad → Q} becomes
 * a Pad of {@code q} itself, read at {@code s} and {@code z} by the DequantizeLinear nodes that
 * read the Q, with a constant pad value {@code c} padded as level {@code z + c / s} (0: the zero
 * point), when that is a whole level of the type; edge and reflect padding copy levels as they are.
 * Exporters that pad explicitly before a strided Conv (tf2onnx's MobileNets, which pad before each
 * stride-2 depthwise Conv) otherwise run it in float between two integer kernels: a dequantization,
 * a float pad and a requantization of the largest tensors in the model. Exact for values inside the
 * removed QuantizeLinear's range, as the Pad moves values and rounds none (a value beyond that
 * range, which it clamped, now passes as in fp32).
 */
public final class DqPadFoldPass implements Pass {
  @Override
  public String name() {
    return "fold-dq-pad";
  }

  @Override
  public boolean idempotent() {
    return true; // a folded Pad reads the integer tensor, not a DequantizeLinear
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    if (OpsetUpgrade.opset(model) < 11) {
      return new PassResult(name(), model, List.of(), List.of()); // Pad takes integers from 11
    }
    GraphEdit e = new GraphEdit(model.getGraph());
    for (NodeProto dq : model.getGraph().getNodeList()) {
      NodeProto pad = Op.DEQUANTIZE_LINEAR.is(dq.getOpType()) ? e.soleReader(dq) : null;
      NodeProto q = pad == null || !Op.PAD.is(pad.getOpType()) ? null : e.soleReader(pad);
      Float s = q == null ? null : e.scalar(dq, 1);
      ZeroPoint z = s == null ? null : ZeroPoint.of(dq, e.init);
      if (z == null
          || !(s > 0)
          || !Op.QUANTIZE_LINEAR.is(q.getOpType())
          || e.scalar(q, 1) == null
          || !pad.getInput(0).equals(dq.getOutput(0))
          || pad.getInputList().stream().skip(1).anyMatch(dq.getOutput(0)::equals)
          || e.init.containsKey(dq.getInput(0))
          || e.replaced.containsKey(dq)
          || !e.rescalable(q)) {
        continue;
      }
      NodeProto.Builder integer = pad.toBuilder().setInput(0, dq.getInput(0));
      if (mode(pad).equals("constant")) {
        Float c = pad.getInputCount() > 2 && !pad.getInput(2).isEmpty() ? e.scalar(pad, 2) : 0f;
        double at = c == null ? Double.NaN : z.value() + c / (double) s;
        if (!(Math.abs(at - Math.rint(at)) <= 1e-3) || !z.holds((long) Math.rint(at))) {
          continue; // the pad value is not a level of the type
        }
        String value = e.names.fresh(pad.getName(), "_pad_level");
        e.added.add(z.initializer(value, (long) Math.rint(at)));
        while (integer.getInputCount() < 3) {
          integer.addInput("");
        }
        integer.setInput(2, value);
      }
      e.replaced.put(q, integer.setOutput(0, q.getOutput(0)).build());
      e.readAt(q, s, dq.getInput(2), "_padded");
      e.dropped.addAll(List.of(dq, pad));
      e.rewritten.add(Ops.label(pad));
    }
    return e.result(name(), model);
  }

  private static String mode(NodeProto pad) {
    for (AttributeProto a : pad.getAttributeList()) {
      if (a.getName().equals("mode")) {
        return a.getS().toStringUtf8();
      }
    }
    return "constant";
  }
}
