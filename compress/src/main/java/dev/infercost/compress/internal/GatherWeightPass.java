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
 * Weight-only 8-bit for Gather over a constant table (embeddings): each row of the table is stored
 * as asymmetric uint8 with its own scale and offset (row-wise, as embedding tables are commonly
 * quantized: a rare token's outlier row does not coarsen every other row), and only the gathered
 * rows are dequantized, {@code Cast(Gather(T_q, ids)) · Gather(S, ids) + Gather(B, ids)}, so the
 * cost per inference is a few rows, not the whole table. Tables of rank other than 2 keep one scale
 * for the whole table ({@code DequantizeLinear}).
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
      if (t == null || t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
        skipped.add(label + ": data is not a constant float32 table");
        nodes.add(n);
        continue;
      }
      if (Ops.intAttr(n, "axis", 0) != 0) {
        skipped.add(label + ": axis is not 0");
        nodes.add(n);
        continue;
      }
      String[] q = done.get(t.getName());
      boolean rowWise = t.getDimsCount() == 2 && t.getDims(0) > 0;
      if (q == null) {
        q = rowWise ? rowWise(t, names, newInits) : perTensor(t, names, newInits);
        done.put(t.getName(), q);
      }
      String gathered = names.fresh(n.getOutput(0), "_quantized");
      nodes.add(n.toBuilder().setInput(0, q[0]).setOutput(0, gathered).build());
      if (!rowWise) {
        nodes.add(
            Op.DEQUANTIZE_LINEAR
                .node(names.fresh(label, "_DequantizeLinear"))
                .addInput(gathered)
                .addInput(q[1])
                .addInput(q[2])
                .addOutput(n.getOutput(0))
                .build());
      } else {
        // The row's scale and offset are gathered with the row: [..., 1] against [..., D].
        String scale = names.fresh(n.getOutput(0), "_scale");
        String offset = names.fresh(n.getOutput(0), "_offset");
        String asFloat = names.fresh(n.getOutput(0), "_float");
        String scaled = names.fresh(n.getOutput(0), "_scaled");
        nodes.add(gather(n, names.fresh(label, "_scale"), q[1], scale));
        nodes.add(gather(n, names.fresh(label, "_offset"), q[2], offset));
        nodes.add(
            Op.CAST
                .node(names.fresh(label, "_Cast"))
                .addInput(gathered)
                .addOutput(asFloat)
                .addAttribute(Ops.intAttribute("to", TensorProto.DataType.FLOAT_VALUE))
                .build());
        nodes.add(
            Op.MUL
                .node(names.fresh(label, "_Mul"))
                .addInput(asFloat)
                .addInput(scale)
                .addOutput(scaled)
                .build());
        nodes.add(
            Op.ADD
                .node(names.fresh(label, "_Add"))
                .addInput(scaled)
                .addInput(offset)
                .addOutput(n.getOutput(0))
                .build());
      }
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

  /** {@code n} (a Gather) reading {@code table} instead, into {@code out}. */
  private static NodeProto gather(NodeProto n, String name, String table, String out) {
    return n.toBuilder().setName(name).setInput(0, table).setOutput(0, out).build();
  }

  /**
   * Row-wise uint8 of a {@code [rows, cols]} table: values, and per row a scale and an offset
   * ({@code w ≈ q · scale + offset}, the row's minimum), as {@code [rows, 1]} float tables.
   */
  private static String[] rowWise(TensorProto t, Names names, List<TensorProto> out) {
    float[] w = Initializers.floats(t);
    int rows = (int) t.getDims(0);
    int cols = w.length / rows;
    byte[] q = new byte[w.length];
    float[] scale = new float[rows];
    float[] offset = new float[rows];
    for (int r = 0; r < rows; r++) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int c = 0; c < cols; c++) {
        min = Math.min(min, w[r * cols + c]);
        max = Math.max(max, w[r * cols + c]);
      }
      if (cols == 0) {
        min = 0;
        max = 0;
      }
      float s = max > min ? (max - min) / 255f : 1f;
      scale[r] = s;
      offset[r] = min;
      for (int c = 0; c < cols; c++) {
        long v = Math.round((w[r * cols + c] - min) / s);
        q[r * cols + c] = (byte) Math.max(0, Math.min(255, v));
      }
    }
    String[] names3 = {
      names.fresh(t.getName(), "_quantized"),
      names.fresh(t.getName(), "_row_scale"),
      names.fresh(t.getName(), "_row_offset")
    };
    out.add(Initializers.ofBytes(names3[0], TensorProto.DataType.UINT8, Initializers.dims(t), q));
    out.add(Initializers.ofFloats(names3[1], new long[] {rows, 1}, scale));
    out.add(Initializers.ofFloats(names3[2], new long[] {rows, 1}, offset));
    return names3;
  }

  /** One asymmetric uint8 scale and zero point for the whole table. */
  private static String[] perTensor(TensorProto t, Names names, List<TensorProto> out) {
    WeightQuantizer.Asymmetric a = WeightQuantizer.asymmetricUint8(Initializers.floats(t));
    String[] q = {
      names.fresh(t.getName(), "_quantized"),
      names.fresh(t.getName(), "_scale"),
      names.fresh(t.getName(), "_zero_point")
    };
    out.add(
        Initializers.ofBytes(q[0], TensorProto.DataType.UINT8, Initializers.dims(t), a.values()));
    out.add(Initializers.ofFloats(q[1], new long[0], new float[] {a.scale()}));
    out.add(
        Initializers.ofBytes(
            q[2], TensorProto.DataType.UINT8, new long[0], new byte[] {(byte) a.zeroPoint()}));
    return q;
  }
}
