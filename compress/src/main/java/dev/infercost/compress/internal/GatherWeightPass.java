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
 * Weight-only 8-bit for Gather over a constant table (embeddings): the table is stored as
 * asymmetric uint8 and only the gathered rows are dequantized, {@code Gather(T_q, ids) →
 * DequantizeLinear(·, s, zp)}, so the cost per inference is a few rows, not the whole table.
 */
public final class GatherWeightPass implements Pass {
  @Override
  public String name() {
    return "int8-gather-weights";
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    Map<String, TensorProto> init = Graphs.initializers(g);
    Names names = new Names(g);
    Map<String, String[]> done = new HashMap<>();
    List<TensorProto> newInits = new ArrayList<>();
    List<NodeProto> nodes = new ArrayList<>();
    List<String> rewritten = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      if (Ops.weighted(n.getOpType()) != Op.GATHER || !ctx.filter().accepts(n)) {
        nodes.add(n);
        continue;
      }
      TensorProto t = init.get(n.getInput(0));
      String label = n.getName().isEmpty() ? "Gather->" + n.getOutput(0) : n.getName();
      if (t == null) {
        // A Gather over a computed tensor (a Shape's dims, an index) holds no table: no candidate.
        nodes.add(n);
        continue;
      }
      if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
        skipped.add(label + ": its table is not float32");
        nodes.add(n);
        continue;
      }
      if (Ops.intAttr(n, "axis", 0) != 0) {
        skipped.add(label + ": axis is not 0");
        nodes.add(n);
        continue;
      }
      String[] q = done.get(t.getName());
      if (q == null) {
        WeightQuantizer.Asymmetric a = WeightQuantizer.asymmetricUint8(Initializers.floats(t));
        q =
            new String[] {
              names.fresh(t.getName(), "_quantized"),
              names.fresh(t.getName(), "_scale"),
              names.fresh(t.getName(), "_zero_point")
            };
        newInits.add(
            Initializers.ofBytes(
                q[0], TensorProto.DataType.UINT8, Initializers.dims(t), a.values()));
        newInits.add(Initializers.ofFloats(q[1], new long[0], new float[] {a.scale()}));
        newInits.add(
            Initializers.ofBytes(
                q[2], TensorProto.DataType.UINT8, new long[0], new byte[] {(byte) a.zeroPoint()}));
        done.put(t.getName(), q);
      }
      String gathered = names.fresh(n.getOutput(0), "_quantized");
      nodes.add(n.toBuilder().setInput(0, q[0]).setOutput(0, gathered).build());
      nodes.add(
          Op.DEQUANTIZE_LINEAR
              .node(names.fresh(label, "_DequantizeLinear"))
              .addInput(gathered)
              .addInput(q[1])
              .addInput(q[2])
              .addOutput(n.getOutput(0))
              .build());
      rewritten.add(label);
    }
    GraphProto out =
        g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(newInits).build();
    return new PassResult(
        name(),
        model.toBuilder().setGraph(Graphs.dropUnusedInitializers(out)).build(),
        rewritten,
        skipped);
  }
}
