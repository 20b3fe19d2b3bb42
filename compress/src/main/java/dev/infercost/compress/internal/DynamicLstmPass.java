package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Dynamic int8 for LSTM: a default-domain {@code LSTM} with constant float32 input and recurrent
 * weights becomes ONNX Runtime's {@code com.microsoft::DynamicQuantizeLSTM}, which runs both matrix
 * products of every step on int8 weights with the input and hidden state quantized per call.
 * Weights are symmetric int8 (zero point 0), one scale per gate row and direction by default
 * ({@code [directions, 4 × hidden]}), else one per direction; the kernel reads them transposed,
 * {@code [directions, input, 4 × hidden]}. Bias, sequence lengths, initial states and peepholes
 * stay float as they are. Left alone: an LSTM with {@code layout = 1} (batch first, opset 14),
 * which the contrib op does not take.
 */
public final class DynamicLstmPass implements Pass {
  private static final String MS_DOMAIN = "com.microsoft";

  @Override
  public String name() {
    return "int8-dynamic-lstm";
  }

  @Override
  public boolean idempotent() {
    return true; // its output has no float LSTM with constant weights left to rewrite
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    Map<String, TensorProto> init = Graphs.initializers(g);
    Names names = new Names(g);
    int qmax = ctx.reducedRange() ? 63 : 127;
    List<TensorProto> newInits = new ArrayList<>();
    List<NodeProto> nodes = new ArrayList<>();
    List<String> rewritten = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      if (!Op.LSTM.is(n.getOpType())
          || !Op.defaultDomain(n.getDomain())
          || !ctx.filter().accepts(n)) {
        nodes.add(n);
        continue;
      }
      String why = unsupported(n, init);
      if (why != null) {
        skipped.add(Ops.label(n) + ": " + why);
        nodes.add(n);
        continue;
      }
      String[] w = quantize(init.get(n.getInput(1)), ctx.perChannel(), qmax, names, newInits);
      String[] r = quantize(init.get(n.getInput(2)), ctx.perChannel(), qmax, names, newInits);
      NodeProto.Builder q =
          Op.DYNAMIC_QUANTIZE_LSTM
              .node(n.getName().isEmpty() ? "" : names.fresh(n.getName(), "_quant"))
              .setDomain(MS_DOMAIN)
              .addInput(n.getInput(0))
              .addInput(w[0])
              .addInput(r[0]);
      for (int i = 3; i < 8; i++) {
        q.addInput(i < n.getInputCount() ? n.getInput(i) : "");
      }
      q.addInput(w[1]).addInput(w[2]).addInput(r[1]).addInput(r[2]);
      q.addAllOutput(n.getOutputList());
      n.getAttributeList().stream()
          .filter(a -> !a.getName().equals("layout"))
          .forEach(q::addAttribute);
      nodes.add(q.build());
      rewritten.add(Ops.label(n));
    }
    if (rewritten.isEmpty()) {
      return new PassResult(name(), model, rewritten, skipped);
    }
    GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(newInits);
    ModelProto.Builder out = model.toBuilder().setGraph(Graphs.dropUnusedInitializers(gb.build()));
    if (out.getOpsetImportList().stream().noneMatch(o -> o.getDomain().equals(MS_DOMAIN))) {
      out.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(MS_DOMAIN).setVersion(1));
    }
    return new PassResult(name(), out.build(), rewritten, skipped);
  }

  private static String unsupported(NodeProto n, Map<String, TensorProto> init) {
    for (int i = 1; i <= 2; i++) {
      TensorProto t = n.getInputCount() > i ? init.get(n.getInput(i)) : null;
      String which = i == 1 ? "input weight" : "recurrent weight";
      if (t == null) {
        return which + " is not a constant initializer";
      }
      if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE || t.getDimsCount() != 3) {
        return which + " is not a 3-D float32 tensor";
      }
    }
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals("layout") && a.getI() != 0) {
        return "layout=1 (batch first) has no integer kernel in ONNX Runtime";
      }
    }
    return null;
  }

  /**
   * {@code w} ({@code [directions, 4 × hidden, k]}) as symmetric int8, transposed to {@code
   * [directions, k, 4 × hidden]}; returns {quantized, scale, zero point} initializer names.
   */
  private static String[] quantize(
      TensorProto w, boolean perChannel, int qmax, Names names, List<TensorProto> out) {
    int dirs = (int) w.getDims(0);
    int rows = (int) w.getDims(1);
    int k = (int) w.getDims(2);
    WeightQuantizer.Symmetric q =
        perChannel
            ? WeightQuantizer.symmetric(
                Initializers.floats(w), new long[] {dirs * rows, k}, 0, qmax)
            : WeightQuantizer.symmetric(
                Initializers.floats(w), new long[] {dirs, rows * k}, 0, qmax);
    byte[] t = new byte[q.values().length];
    for (int d = 0; d < dirs; d++) {
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < k; c++) {
          t[(d * k + c) * rows + r] = q.values()[(d * rows + r) * k + c];
        }
      }
    }
    long[] scaleDims = perChannel ? new long[] {dirs, rows} : new long[] {dirs};
    String qName = names.fresh(w.getName(), "_quantized");
    String sName = names.fresh(w.getName(), "_scale");
    String zName = names.fresh(w.getName(), "_zero_point");
    out.add(Initializers.ofBytes(qName, TensorProto.DataType.INT8, new long[] {dirs, k, rows}, t));
    out.add(Initializers.ofFloats(sName, scaleDims, q.scales()));
    out.add(
        Initializers.ofBytes(
            zName, TensorProto.DataType.INT8, scaleDims, new byte[q.scales().length]));
    return new String[] {qName, sName, zName};
  }
}
