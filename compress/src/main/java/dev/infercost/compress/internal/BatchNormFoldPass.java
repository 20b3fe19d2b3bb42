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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Folds an inference-mode BatchNormalization into the Conv before it: with {@code k = γ / √(var +
 * ε)} per output channel, {@code W' = W · k} and {@code b' = (b − mean) · k + β}, and the Conv then
 * writes the BatchNormalization's output. Quantizing first would give the BatchNormalization no
 * integer kernel and keep the Conv's output in float, so static int8 folds before it quantizes.
 *
 * <p>A pair folds when the Conv's weight (and bias, if any) and all four BatchNormalization
 * parameters are float32 initializers, the Conv's output is read only by the BatchNormalization and
 * is not a graph output, and the BatchNormalization has one output. The folded weight and bias are
 * new initializers, so a weight shared with another node keeps its values there. The rewrite is
 * exact up to float rounding and does not depend on the node filter (ONNX Runtime makes the same
 * fusion on float models).
 */
public final class BatchNormFoldPass implements Pass {
  @Override
  public String name() {
    return "fold-batchnorm";
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    Map<String, TensorProto> init = Graphs.initializers(g);
    Map<String, Integer> readers = Graphs.readers(g);
    Set<String> outputs = new HashSet<>();
    g.getOutputList().forEach(o -> outputs.add(o.getName()));
    Map<String, NodeProto> producers = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      n.getOutputList().forEach(o -> producers.put(o, n));
    }
    Names names = new Names(g);
    Map<NodeProto, NodeProto> folded = new HashMap<>();
    Set<NodeProto> dropped = new HashSet<>();
    List<TensorProto> newInits = new ArrayList<>();
    List<String> rewritten = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (NodeProto bn : g.getNodeList()) {
      if (Op.of(bn.getOpType()) != Op.BATCH_NORMALIZATION || !Op.defaultDomain(bn.getDomain())) {
        continue;
      }
      NodeProto conv = producers.get(bn.getInput(0));
      if (conv == null
          || Op.of(conv.getOpType()) != Op.CONV
          || !Op.defaultDomain(conv.getDomain())) {
        continue;
      }
      String why = problem(conv, bn, init, readers, outputs);
      if (why != null) {
        skipped.add(Ops.label(bn) + ": " + why);
        continue;
      }
      TensorProto w = init.get(conv.getInput(1));
      long[] dims = Initializers.dims(w);
      int channels = (int) dims[0];
      float[] gamma = Initializers.floats(init.get(bn.getInput(1)));
      float[] beta = Initializers.floats(init.get(bn.getInput(2)));
      float[] mean = Initializers.floats(init.get(bn.getInput(3)));
      float[] var = Initializers.floats(init.get(bn.getInput(4)));
      float eps = Ops.floatAttr(bn, "epsilon", 1e-5f);
      float[] weights = Initializers.floats(w);
      float[] bias =
          conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()
              ? Initializers.floats(init.get(conv.getInput(2)))
              : new float[channels];
      int perChannel = weights.length / channels;
      float[] newW = new float[weights.length];
      float[] newB = new float[channels];
      for (int c = 0; c < channels; c++) {
        double k = gamma[c] / Math.sqrt((double) var[c] + eps);
        for (int i = 0; i < perChannel; i++) {
          newW[c * perChannel + i] = (float) (weights[c * perChannel + i] * k);
        }
        newB[c] = (float) ((bias[c] - mean[c]) * k + beta[c]);
      }
      String wName = names.fresh(w.getName(), "_bn_folded");
      String bName = names.fresh(conv.getName().isEmpty() ? wName : conv.getName(), "_bias_folded");
      newInits.add(Initializers.ofFloats(wName, dims, newW));
      newInits.add(Initializers.ofFloats(bName, new long[] {channels}, newB));
      NodeProto.Builder b = conv.toBuilder().setInput(1, wName).setOutput(0, bn.getOutput(0));
      if (conv.getInputCount() > 2) {
        b.setInput(2, bName);
      } else {
        b.addInput(bName);
      }
      folded.put(conv, b.build());
      dropped.add(bn);
      rewritten.add(Ops.label(conv) + "+" + Ops.label(bn));
    }
    if (rewritten.isEmpty()) {
      return new PassResult(name(), model, rewritten, skipped);
    }
    List<NodeProto> nodes = new ArrayList<>();
    for (NodeProto n : g.getNodeList()) {
      if (!dropped.contains(n)) {
        nodes.add(folded.getOrDefault(n, n));
      }
    }
    GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(newInits);
    // The Conv's old output is gone; its value_info would describe a value no node writes.
    Set<String> gone = new HashSet<>();
    folded.keySet().forEach(c -> gone.add(c.getOutput(0)));
    for (int i = gb.getValueInfoCount() - 1; i >= 0; i--) {
      if (gone.contains(gb.getValueInfo(i).getName())) {
        gb.removeValueInfo(i);
      }
    }
    ModelProto out = model.toBuilder().setGraph(Graphs.dropUnusedInitializers(gb.build())).build();
    return new PassResult(name(), out, rewritten, skipped);
  }

  private static String problem(
      NodeProto conv,
      NodeProto bn,
      Map<String, TensorProto> init,
      Map<String, Integer> readers,
      Set<String> outputs) {
    if (bn.getOutputCount() > 1
        && bn.getOutputList().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
      return "training-mode BatchNormalization (running statistics as outputs)";
    }
    String y = conv.getOutput(0);
    if (readers.getOrDefault(y, 0) != 1 || outputs.contains(y)) {
      return "the Conv's output is read by other nodes too";
    }
    TensorProto w = init.get(conv.getInput(1));
    if (w == null || Initializers.floats(w) == null || w.getDimsCount() < 3) {
      return "the Conv's weight is not a float32 initializer";
    }
    long channels = w.getDims(0);
    List<String> params = new ArrayList<>(bn.getInputList().subList(1, 5));
    if (conv.getInputCount() > 2 && !conv.getInput(2).isEmpty()) {
      params.add(conv.getInput(2));
    }
    for (String p : params) {
      TensorProto t = init.get(p);
      if (t == null
          || Initializers.floats(t) == null
          || Initializers.count(t.getDimsList()) != channels) {
        return "'" + p + "' is not a float32 initializer with one value per channel";
      }
    }
    return null;
  }
}
