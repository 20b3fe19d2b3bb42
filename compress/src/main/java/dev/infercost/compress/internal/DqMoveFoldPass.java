package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Runs an op that only moves values (Pad, Slice, DepthToSpace, Tile, Expand) between two quantized
 * ops on the integer tensor: {@code DQ(q; s, z) → op → Q} becomes the op on {@code q} itself, read
 * at {@code s} and {@code z} by the DequantizeLinear nodes that read the Q. A Pad's constant value
 * {@code c} is padded as level {@code z + c / s} (0: the zero point) when that is a whole level of
 * the type; edge and reflect padding copy levels as they are. ONNX Runtime drops the Q/DQ pair
 * around Reshape, Transpose or MaxPool but not around these, so an exporter that pads explicitly
 * before a strided Conv (tf2onnx's MobileNets, before each stride-2 depthwise Conv) otherwise runs
 * the Pad in float between two integer kernels: a dequantization, a float pad and a requantization
 * of the largest tensors in the model. Exact for values inside the removed QuantizeLinear's range,
 * as these ops round nothing (a value beyond that range, which it clamped, now passes as in fp32).
 * Needs opset 11 (Pad takes integer tensors and its pads as an input from 11; ONNX Runtime 1.23
 * runs each of these ops on uint8, and all but DepthToSpace on int8; it has no integer
 * SpaceToDepth).
 */
public final class DqMoveFoldPass implements Pass {
  /** Ops that copy values from their first input and compute none. */
  private static final Set<Op> MOVES =
      EnumSet.of(Op.PAD, Op.SLICE, Op.DEPTH_TO_SPACE, Op.TILE, Op.EXPAND);

  @Override
  public String name() {
    return "fold-dq-move";
  }

  @Override
  public boolean idempotent() {
    return true; // a folded op reads the integer tensor, not a DequantizeLinear
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    if (OpsetUpgrade.opset(model) < 11) {
      return new PassResult(name(), model, List.of(), List.of()); // Pad takes integers from 11
    }
    GraphEdit e = new GraphEdit(model.getGraph());
    for (NodeProto dq : model.getGraph().getNodeList()) {
      NodeProto op = Op.DEQUANTIZE_LINEAR.is(dq.getOpType()) ? e.soleReader(dq) : null;
      NodeProto q = op == null || !MOVES.contains(Op.of(op.getOpType())) ? null : e.soleReader(op);
      if (q == null
          || !e.foldable(dq, q)
          || !op.getInput(0).equals(dq.getOutput(0))
          || op.getInputList().stream().skip(1).anyMatch(dq.getOutput(0)::equals)) {
        continue;
      }
      float s = e.scalar(dq, 1);
      ZeroPoint z = ZeroPoint.of(dq, e.init);
      if (Op.DEPTH_TO_SPACE.is(op.getOpType()) && z.type() != TensorProto.DataType.UINT8) {
        continue; // ONNX Runtime's DepthToSpace takes uint8, not int8
      }
      NodeProto.Builder integer = op.toBuilder().setInput(0, dq.getInput(0));
      if (Op.PAD.is(op.getOpType()) && !mode(op).equals("constant")) {
        if (integer.getInputCount() > 2) {
          integer.setInput(2, ""); // a pad value other modes ignore, but typed like the data
        }
      } else if (Op.PAD.is(op.getOpType())) {
        Float c =
            op.getInputCount() > 2 && !op.getInput(2).isEmpty()
                ? e.scalar(op, 2)
                : Float.valueOf(0f);
        long level =
            c == null
                ? Long.MIN_VALUE
                : DqClipFoldPass.level(c, s, z.value(), Long.MIN_VALUE, Long.MAX_VALUE);
        if (!z.holds(level)) {
          continue; // the pad value is not a level of the type
        }
        String value = e.names.fresh(op.getName(), "_pad_level");
        e.added.add(z.initializer(value, level));
        while (integer.getInputCount() < 3) {
          integer.addInput("");
        }
        integer.setInput(2, value);
      }
      e.replaced.put(q, integer.setOutput(0, q.getOutput(0)).build());
      e.readAt(q, s, dq.getInput(2), "_moved");
      e.dropped.addAll(List.of(dq, op));
      e.rewritten.add(Ops.label(op));
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
