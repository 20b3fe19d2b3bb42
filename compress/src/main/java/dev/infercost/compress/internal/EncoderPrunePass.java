package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.CompressException;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.compress.internal.EncoderStructures.Attention;
import dev.infercost.compress.internal.EncoderStructures.Block;
import dev.infercost.compress.internal.EncoderStructures.Ffn;
import dev.infercost.compress.internal.EncoderStructures.Linear;
import dev.infercost.compress.internal.EncoderStructures.ShapeEdit;
import dev.infercost.compress.internal.PrunePlanner.Cut;
import dev.infercost.compress.internal.PrunePlanner.Plan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a {@link Plan}: shrinks each pruned block's first layers (output columns and bias entries
 * of the up-projection, or of Q/K/V for the removed heads' slices, and per-neuron constants of the
 * activation), writes the consumer's new weight rows and bias, and rewrites the shape constants
 * that carry the head count. Initializers read elsewhere too are copied under a new name instead of
 * changed; graph inputs and outputs keep their names.
 */
public final class EncoderPrunePass implements Pass {
  private final Plan plan;
  private final double ratio;

  public EncoderPrunePass(Plan plan, double ratio) {
    this.plan = plan;
    this.ratio = ratio;
  }

  @Override
  public String name() {
    return "prune-encoder";
  }

  @Override
  public boolean idempotent() {
    return false;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) throws CompressException {
    GraphProto g = model.getGraph();
    Map<String, Block> present = new HashMap<>();
    for (Block b : EncoderStructures.find(g, ctx.filter(), true, true).blocks()) {
      present.put(b.key(), b);
    }
    Rewrite rw = new Rewrite(g);
    List<String> rewritten = new ArrayList<>();
    for (Cut c : plan.cuts()) {
      Block b = present.get(c.block().key());
      if (b == null) {
        throw new CompressException(
            "prune: block "
                + c.block().label()
                + " of the plan is not in this model; plan and"
                + " model must come from the same canonicalized graph");
      }
      if (c.removed() == 0) {
        continue;
      }
      int[] f = PrunePlanner.features(b, c.kept());
      if (b instanceof Ffn ffn) {
        shrinkOutputs(rw, ffn.up(), f);
        for (String s : ffn.sliced()) {
          TensorProto t = rw.init.get(s);
          long[] dims = Initializers.dims(t);
          dims[dims.length - 1] = f.length;
          float[] v = pick(Initializers.floats(t), f);
          rw.replace(s, dims, v, new HashSet<>(ffn.activation()));
        }
        rw.dropValueInfo(ffn.up().output());
        rw.dropValueInfo(ffn.up().matmul().getOutput(0));
        ffn.activation().forEach(n -> rw.dropValueInfo(n.getOutput(0)));
        rewritten.add(ffn.up().label());
      } else if (b instanceof Attention a) {
        for (Linear l : List.of(a.q(), a.k(), a.v())) {
          shrinkOutputs(rw, l, f);
          rewritten.add(l.label());
        }
        for (ShapeEdit e : a.edits()) {
          String name = rw.node(e.reader()).getInput(e.input());
          TensorProto t = rw.init.get(name);
          long[] v = Initializers.longs(t);
          v[e.index()] = e.hidden() ? (long) c.kept().length * a.headSize() : c.kept().length;
          rw.replaceLongs(name, Initializers.dims(t), v, e.reader());
        }
        rw.dropValueInfoBetween(List.of(a.q(), a.k(), a.v()), a.o().matmul());
      }
      setConsumer(rw, b.consumer(), f.length, c.weight(), c.bias());
      rewritten.add(b.consumer().label());
    }
    GraphProto out = Graphs.dropUnusedInitializers(rw.build());
    return new PassResult(
        name(), model.toBuilder().setGraph(out).build(), rewritten, List.of(), plan.notes(ratio));
  }

  /** Keeps output columns {@code f} of a linear layer's weight and bias. */
  private static void shrinkOutputs(Rewrite rw, Linear l, int[] f) {
    TensorProto w = rw.init.get(l.weight());
    int in = (int) w.getDims(0);
    int out = (int) w.getDims(1);
    float[] v = Initializers.floats(w);
    float[] nv = new float[in * f.length];
    for (int i = 0; i < in; i++) {
      for (int j = 0; j < f.length; j++) {
        nv[i * f.length + j] = v[i * out + f[j]];
      }
    }
    rw.replace(l.weight(), new long[] {in, f.length}, nv, Set.of(l.matmul()));
    if (l.bias() != null) {
      float[] b = pick(Initializers.floats(rw.init.get(l.bias())), f);
      rw.replace(l.bias(), new long[] {f.length}, b, Set.of(l.biasAdd()));
    }
  }

  /** The consumer's new weight ({@code rows} × out) and bias, adding a bias Add if it had none. */
  private static void setConsumer(Rewrite rw, Linear l, int rows, float[] w, float[] b) {
    rw.replace(l.weight(), new long[] {rows, l.out()}, w, Set.of(l.matmul()));
    if (l.bias() != null) {
      rw.replace(l.bias(), new long[] {l.out()}, b, Set.of(l.biasAdd()));
      return;
    }
    boolean zero = true;
    for (float x : b) {
      zero &= x == 0;
    }
    if (!zero) {
      rw.addBias(l.matmul(), b);
    }
  }

  private static float[] pick(float[] v, int[] idx) {
    float[] out = new float[idx.length];
    for (int i = 0; i < idx.length; i++) {
      out[i] = v[idx[i]];
    }
    return out;
  }

  /** The graph being rewritten: nodes by first output, initializers by name, readers counted. */
  private static final class Rewrite {
    final GraphProto g;
    final List<NodeProto> nodes;
    final Map<String, Integer> at = new HashMap<>();
    final Map<String, TensorProto> init;
    final Map<String, Integer> readers;
    final Set<String> droppedInfo = new HashSet<>();
    final Names names;
    final Map<Integer, NodeProto> after = new LinkedHashMap<>();

    Rewrite(GraphProto g) {
      this.g = g;
      this.nodes = new ArrayList<>(g.getNodeList());
      for (int i = 0; i < nodes.size(); i++) {
        at.put(nodes.get(i).getOutput(0), i);
      }
      this.init = Graphs.initializers(g);
      this.readers = Graphs.readers(g);
      this.names = new Names(g);
    }

    NodeProto node(NodeProto original) {
      return nodes.get(at.get(original.getOutput(0)));
    }

    void replace(String name, long[] dims, float[] v, Set<NodeProto> readersOf) {
      put(name, Initializers.ofFloats(name, dims, v), readersOf);
    }

    void replaceLongs(String name, long[] dims, long[] v, NodeProto reader) {
      put(name, Initializers.ofLongs(name, dims, v), Set.of(reader));
    }

    /**
     * Puts {@code t} under its name when {@code readersOf} are all the readers of that name, else
     * under a new name that those readers are rewired to.
     */
    private void put(String name, TensorProto t, Set<NodeProto> readersOf) {
      int mine = 0;
      for (NodeProto r : readersOf) {
        for (String in : node(r).getInputList()) {
          mine += in.equals(name) ? 1 : 0;
        }
      }
      if (mine == readers.getOrDefault(name, 0)) {
        init.put(name, t);
        return;
      }
      String fresh = names.fresh(name, "_pruned");
      init.put(fresh, t.toBuilder().setName(fresh).build());
      readers.merge(name, -mine, Integer::sum);
      readers.put(fresh, mine);
      for (NodeProto r : readersOf) {
        int i = at.get(r.getOutput(0));
        NodeProto.Builder nb = nodes.get(i).toBuilder();
        for (int j = 0; j < nb.getInputCount(); j++) {
          if (nb.getInput(j).equals(name)) {
            nb.setInput(j, fresh);
          }
        }
        nodes.set(i, nb.build());
      }
    }

    /** Adds {@code y = matmul_out + b} behind {@code mm}, which then writes a new value. */
    void addBias(NodeProto mm, float[] b) {
      int i = at.get(mm.getOutput(0));
      String y = mm.getOutput(0);
      String h = names.fresh(y, "_unbiased");
      String bias = names.fresh(y, "_bias");
      init.put(bias, Initializers.ofFloats(bias, new long[] {b.length}, b));
      nodes.set(i, nodes.get(i).toBuilder().setOutput(0, h).build());
      after.put(
          i,
          NodeProto.newBuilder()
              .setOpType("Add")
              .setName(names.fresh(y, "_bias_add"))
              .addInput(h)
              .addInput(bias)
              .addOutput(y)
              .build());
    }

    void dropValueInfo(String v) {
      droppedInfo.add(v);
    }

    /** Drops the value_info of every value from the starts' outputs up to {@code stop}. */
    void dropValueInfoBetween(List<Linear> starts, NodeProto stop) {
      EncoderStructures.Index ix = new EncoderStructures.Index(g);
      List<String> pending = new ArrayList<>();
      for (Linear l : starts) {
        pending.add(l.matmul().getOutput(0));
      }
      while (!pending.isEmpty()) {
        String v = pending.remove(pending.size() - 1);
        if (!droppedInfo.add(v)) {
          continue;
        }
        for (NodeProto r : ix.readers(v)) {
          if (!r.getOutput(0).equals(stop.getOutput(0))) {
            pending.addAll(r.getOutputList());
          }
        }
      }
    }

    GraphProto build() {
      GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer().clearValueInfo();
      for (int i = 0; i < nodes.size(); i++) {
        b.addNode(nodes.get(i));
        if (after.containsKey(i)) {
          b.addNode(after.get(i));
        }
      }
      init.values().forEach(b::addInitializer);
      g.getValueInfoList().stream()
          .filter(v -> !droppedInfo.contains(v.getName()))
          .forEach(b::addValueInfo);
      return b.build();
    }
  }
}
