package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.compress.internal.ChannelGroups.MacNode;
import dev.infercost.compress.internal.ChannelGroups.Sink;
import dev.infercost.compress.internal.ChannelGroups.SinkKind;
import dev.infercost.compress.internal.ChannelGroups.Slice;
import dev.infercost.compress.internal.ChannelStats.Sums;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removes the channels a {@link ChannelPlan} made for this model drops: the producing Convs' weight
 * rows and bias entries, the BatchNormalization / InstanceNormalization entries, depthwise Conv
 * filters and per-channel constants on the way, and the sinks' input columns (Conv weight axis 1,
 * Gemm/MatMul rows after a Flatten).
 *
 * <p><b>Bias compensation</b> (FLAP's): with {@code compensate}, each sink's bias gets {@code Σ_j
 * mean(x_j) · W[:, j]} over its removed input columns {@code j} (for a Conv, summed over kernel
 * positions; for a Gemm scaled by {@code alpha / beta}), so the sink's output keeps its expectation
 * over the calibration data. A Conv without a bias gets one; a MatMul has none to fold into and is
 * listed. For a Conv it is exact where the kernel window lies inside the input and approximate at
 * zero-padded borders, where the removed channel contributed zeros, not its mean.
 *
 * <p>An initializer read only by the slot it is sliced for keeps its name; one read elsewhere too
 * is copied under a fresh name. {@code value_info} entries of the walked values are dropped (their
 * channel counts change; graph inputs and outputs never do).
 */
public final class ChannelPrunePass implements Pass {
  private final ChannelPlan plan;
  private final boolean compensate;

  public ChannelPrunePass(ChannelPlan plan, boolean compensate) {
    this.plan = plan;
    this.compensate = compensate;
  }

  @Override
  public String name() {
    return "prune-channels";
  }

  @Override
  public boolean idempotent() {
    return false;
  }

  /** A tensor being rewritten for one node input. */
  private record Pending(long[] dims, float[] values, boolean fresh) {}

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) {
    GraphProto g = model.getGraph();
    ChannelGroups groups = plan.groups();
    Map<String, TensorProto> init = Graphs.initializers(g);
    Map<String, Integer> readers = Graphs.readers(g);
    Names names = new Names(g);
    List<String> notes = new ArrayList<>();
    // (node, input) → the tensor it will read.
    Map<List<Integer>, Pending> pending = new LinkedHashMap<>();
    if (compensate) {
      for (Sink s : groups.sinks()) {
        String note = compensate(g, s, init, pending);
        if (note != null) {
          notes.add(note);
        }
      }
    }
    for (Slice s : groups.slices()) {
      long[] keep = plan.keptColumns(s.layout());
      NodeProto n = g.getNode(s.node());
      List<Integer> slot = List.of(s.node(), s.input());
      Pending p = pending.get(slot);
      boolean absent = n.getInputCount() <= s.input() || n.getInput(s.input()).isEmpty();
      if (keep == null || (p == null && absent)) {
        continue;
      }
      if (p == null) {
        TensorProto t = init.get(n.getInput(s.input()));
        p = new Pending(Initializers.dims(t), Initializers.floats(t), false);
      }
      pending.put(slot, slice(p, s.axis(), keep));
    }
    GraphProto.Builder b = g.toBuilder();
    Set<String> rewritten = new LinkedHashSet<>();
    Map<String, TensorProto> replaced = new LinkedHashMap<>();
    List<TensorProto> added = new ArrayList<>();
    for (var e : pending.entrySet()) {
      int node = e.getKey().get(0);
      int input = e.getKey().get(1);
      NodeProto n = b.getNode(node);
      String name = input < n.getInputCount() ? n.getInput(input) : "";
      Pending p = e.getValue();
      boolean shared = p.fresh() || readers.getOrDefault(name, 0) > 1 || !init.containsKey(name);
      String target =
          shared ? names.fresh(name.isEmpty() ? Ops.label(n) + "_bias" : name, "_pruned") : name;
      TensorProto t = Initializers.ofFloats(target, p.dims(), p.values());
      if (shared) {
        added.add(t);
        NodeProto.Builder nb = n.toBuilder();
        while (nb.getInputCount() <= input) {
          nb.addInput("");
        }
        b.setNode(node, nb.setInput(input, target));
      } else {
        replaced.put(name, t);
      }
      if (input == 1 && Op.CONV.is(n.getOpType()) && Ops.intAttr(n, "group", 1) > 1) {
        // A depthwise Conv keeps one filter per remaining channel.
        b.setNode(node, withGroup(b.getNode(node), p.dims()[0]));
      }
      rewritten.add(Ops.label(n));
    }
    for (int i = 0; i < b.getInitializerCount(); i++) {
      TensorProto t = replaced.get(b.getInitializer(i).getName());
      if (t != null) {
        b.setInitializer(i, t);
      }
    }
    b.addAllInitializer(added);
    Set<String> walked = groups.walked();
    b.clearValueInfo();
    g.getValueInfoList().stream()
        .filter(v -> !walked.contains(v.getName()))
        .forEach(b::addValueInfo);
    GraphProto out = Graphs.dropUnusedInitializers(b.build());
    notes.addAll(0, report(g));
    List<String> skipped = new ArrayList<>();
    for (int r : groups.groups()) {
      List<String> why = groups.reasons(r);
      if (!why.isEmpty()) {
        skipped.add(groups.label(r) + ": " + String.join("; ", why));
      }
    }
    return new PassResult(
        name(), model.toBuilder().setGraph(out).build(), List.copyOf(rewritten), skipped, notes);
  }

  /** Per group kept/removed channels, per MAC node MACs before/after, and the total. */
  private List<String> report(GraphProto g) {
    ChannelGroups groups = plan.groups();
    List<String> notes = new ArrayList<>();
    long before = plan.macsBefore();
    long after = plan.macsAfter();
    notes.add(
        String.format(
            java.util.Locale.ROOT,
            "MACs per sample of the pruned layers: %d -> %d (%.1f%% removed)",
            before,
            after,
            before == 0 ? 0.0 : 100.0 * (before - after) / before));
    for (var e : plan.kept().entrySet()) {
      int r = e.getKey();
      int total = groups.channels(r);
      List<Integer> removed = new ArrayList<>();
      int k = 0;
      for (int c = 0; c < total; c++) {
        if (k < e.getValue().length && e.getValue()[k] == c) {
          k++;
        } else {
          removed.add(c);
        }
      }
      notes.add(
          "group "
              + groups.label(r)
              + ": kept "
              + e.getValue().length
              + "/"
              + total
              + " channels, removed "
              + removed);
    }
    for (MacNode m : groups.macNodes()) {
      if (plan.touches(m)) {
        notes.add(
            "layer "
                + Ops.label(g.getNode(m.node()))
                + ": MACs per sample "
                + plan.macs(m, true)
                + " -> "
                + plan.macs(m, false));
      }
    }
    return notes;
  }

  /** Folds the removed columns' means into {@code s}'s bias; a note when it cannot. */
  private String compensate(
      GraphProto g, Sink s, Map<String, TensorProto> init, Map<List<Integer>, Pending> pending) {
    long[] keep = plan.keptColumns(s.layout());
    Sums x = plan.stats().get(s.value());
    if (keep == null || x == null) {
      return null;
    }
    NodeProto n = g.getNode(s.node());
    TensorProto wt = init.get(n.getInput(1));
    float[] w = Initializers.floats(wt);
    long[] d = Initializers.dims(wt);
    boolean[] kept = new boolean[x.columns()];
    for (long k : keep) {
      kept[(int) k] = true;
    }
    if (s.kind() == SinkKind.MATMUL) {
      return "compensation: MatMul '"
          + Ops.label(n)
          + "' has no bias to fold the removed means into";
    }
    int outs = (int) (s.kind() == SinkKind.GEMM ? d[1] : d[0]);
    double[] delta = new double[outs];
    if (s.kind() == SinkKind.CONV) {
      int in = (int) d[1];
      int inner = w.length / (outs * in);
      for (int o = 0; o < outs; o++) {
        for (int j = 0; j < in; j++) {
          if (!kept[j]) {
            double sum = 0;
            for (int q = 0; q < inner; q++) {
              sum += w[(o * in + j) * inner + q];
            }
            delta[o] += x.mean(j) * sum;
          }
        }
      }
    } else {
      boolean t = s.kind() == SinkKind.GEMM_TRANSPOSED;
      int in = (int) (t ? d[1] : d[0]);
      for (int j = 0; j < in; j++) {
        if (!kept[j]) {
          for (int o = 0; o < outs; o++) {
            delta[o] += x.mean(j) * w[t ? o * in + j : j * outs + o];
          }
        }
      }
      double alpha = Ops.floatAttr(n, "alpha", 1f);
      double beta = Ops.floatAttr(n, "beta", 1f);
      if (beta == 0) {
        return "compensation: Gemm '" + Ops.label(n) + "' has beta 0";
      }
      for (int o = 0; o < outs; o++) {
        delta[o] *= alpha / beta;
      }
    }
    float[] bias = new float[outs];
    boolean fresh = n.getInputCount() <= 2 || n.getInput(2).isEmpty();
    if (!fresh) {
      TensorProto bt = init.get(n.getInput(2));
      float[] old = bt == null ? null : Initializers.floats(bt);
      if (old == null
          || (old.length != outs && old.length != 1)
          || (bt.getDimsCount() > 1 && bt.getDims(0) != 1)) {
        return "compensation: '" + Ops.label(n) + "' has a bias that is not one value per output";
      }
      for (int o = 0; o < outs; o++) {
        bias[o] = old.length == 1 ? old[0] : old[o];
      }
    }
    for (int o = 0; o < outs; o++) {
      bias[o] = (float) (bias[o] + delta[o]);
    }
    pending.put(List.of(s.node(), 2), new Pending(new long[] {outs}, bias, fresh));
    return null;
  }

  private static NodeProto withGroup(NodeProto n, long group) {
    NodeProto.Builder b = n.toBuilder();
    for (int i = 0; i < b.getAttributeCount(); i++) {
      if (b.getAttribute(i).getName().equals("group")) {
        b.setAttribute(i, Ops.intAttribute("group", group));
      }
    }
    return b.build();
  }

  /** {@code p} keeping only indices {@code keep} along {@code axis}. */
  private static Pending slice(Pending p, int axis, long[] keep) {
    long[] d = p.dims().clone();
    long outer = 1;
    for (int i = 0; i < axis; i++) {
      outer *= d[i];
    }
    long inner = 1;
    for (int i = axis + 1; i < d.length; i++) {
      inner *= d[i];
    }
    long len = d[axis];
    float[] out = new float[(int) (outer * keep.length * inner)];
    int k = 0;
    for (long o = 0; o < outer; o++) {
      for (long c : keep) {
        int from = (int) ((o * len + c) * inner);
        System.arraycopy(p.values(), from, out, k, (int) inner);
        k += (int) inner;
      }
    }
    d[axis] = keep.length;
    return new Pending(d, out, p.fresh());
  }
}
