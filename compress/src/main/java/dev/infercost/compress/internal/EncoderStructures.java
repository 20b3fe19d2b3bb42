package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.NodeFilter;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the prunable structures of a transformer encoder from the shape of its graph, never from
 * node names: feed-forward blocks (a linear layer, an elementwise activation region, a second
 * linear layer) and attention blocks (Q/K/V linear layers reshaped into heads, the score and
 * context products, the heads merged back and the output linear layer). Run on a canonicalized
 * graph, where weights and shape constants are initializers.
 */
public final class EncoderStructures {
  private EncoderStructures() {}

  /** Ops an activation region between the two feed-forward layers may hold: all elementwise. */
  private static final Set<Op> ELEMENTWISE =
      EnumSet.of(
          Op.GELU,
          Op.FAST_GELU,
          Op.BIAS_GELU,
          Op.ERF,
          Op.RELU,
          Op.LEAKY_RELU,
          Op.SIGMOID,
          Op.TANH,
          Op.HARD_SIGMOID,
          Op.HARD_SWISH,
          Op.SOFTPLUS,
          Op.ELU,
          Op.SELU,
          Op.MISH,
          Op.MUL,
          Op.ADD,
          Op.SUB,
          Op.DIV,
          Op.POW,
          Op.SQRT,
          Op.NEG,
          Op.ABS,
          Op.EXP,
          Op.CLIP,
          Op.IDENTITY);

  /** Ops allowed between the attention scores and the Softmax, or around it. */
  private static final Set<Op> SCORE_OPS =
      EnumSet.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.WHERE, Op.IDENTITY, Op.CAST, Op.DROPOUT);

  /**
   * A MatMul with a constant 2-D float weight, optionally followed by an Add of a constant 1-D
   * bias.
   *
   * @param matmul the MatMul node
   * @param weight its weight initializer ({@code in × out})
   * @param biasAdd the bias Add, or {@code null}
   * @param bias the bias initializer, or {@code null}
   * @param output the value after the bias (the MatMul output when there is none)
   */
  public record Linear(
      NodeProto matmul, String weight, NodeProto biasAdd, String bias, int in, int out) {
    public String output() {
      return biasAdd != null ? biasAdd.getOutput(0) : matmul.getOutput(0);
    }

    /** The node a report names the layer by. */
    public String label() {
      return Ops.label(matmul);
    }
  }

  /** A prunable structure: its units are the input features of one consumer linear layer. */
  public sealed interface Block permits Ffn, Attention {
    /** A stable key: the output value of the block's first linear layer. */
    String key();

    /** The linear layer reading the pruned features. */
    Linear consumer();

    /** The value the consumer reads: one feature per column. */
    default String features() {
      return consumer().matmul().getInput(0);
    }

    /** The block's input (the residual stream it reads). */
    String input();

    /** Features of the block's input. */
    int inputWidth();

    /** Units (neurons or heads). */
    int units();

    /** Features per unit (1 for a neuron, the head size for a head). */
    int width();

    /** Multiply-accumulates per token of one unit in the block's linear layers. */
    long unitMacs();

    /** For reports: {@code ffn} or {@code attention}, and the first layer's node. */
    String label();
  }

  /**
   * A feed-forward block.
   *
   * @param up the up-projection
   * @param activation the elementwise nodes between the two layers, in graph order
   * @param sliced constants in the activation region with one entry per neuron (last axis)
   * @param down the down-projection
   */
  public record Ffn(Linear up, List<NodeProto> activation, List<String> sliced, Linear down)
      implements Block {
    public Ffn {
      activation = List.copyOf(activation);
      sliced = List.copyOf(sliced);
    }

    @Override
    public String key() {
      return up.matmul().getOutput(0);
    }

    @Override
    public Linear consumer() {
      return down;
    }

    @Override
    public String input() {
      return up.matmul().getInput(0);
    }

    @Override
    public int inputWidth() {
      return up.in();
    }

    @Override
    public int units() {
      return up.out();
    }

    @Override
    public int width() {
      return 1;
    }

    @Override
    public long unitMacs() {
      return (long) up.in() + down.out();
    }

    @Override
    public String label() {
      return "ffn " + up.label();
    }
  }

  /**
   * One entry of an int64 shape constant that carries the head count ({@code hidden == false}) or
   * the merged width heads × head size ({@code hidden == true}).
   *
   * @param reader the node reading the constant (a Reshape, or a Concat building its shape)
   * @param input which input of {@code reader}
   * @param index the entry within the constant
   */
  public record ShapeEdit(NodeProto reader, int input, int index, boolean hidden) {}

  /** An attention block: heads of {@code headSize} features each. */
  public record Attention(
      Linear q, Linear k, Linear v, Linear o, int heads, int headSize, List<ShapeEdit> edits)
      implements Block {
    public Attention {
      edits = List.copyOf(edits);
    }

    @Override
    public String key() {
      return q.matmul().getOutput(0);
    }

    @Override
    public Linear consumer() {
      return o;
    }

    @Override
    public String input() {
      return q.matmul().getInput(0);
    }

    @Override
    public int inputWidth() {
      return q.in();
    }

    @Override
    public int units() {
      return heads;
    }

    @Override
    public int width() {
      return headSize;
    }

    @Override
    public long unitMacs() {
      return (long) headSize * (q.in() + k.in() + v.in() + o.out());
    }

    @Override
    public String label() {
      return "attention " + q.label();
    }
  }

  /**
   * What the search found.
   *
   * @param blocks prunable blocks in graph order
   * @param skipped blocks recognized but left alone, each with the reason
   */
  public record Found(List<Block> blocks, List<String> skipped) {}

  /** What {@link #find} looks for, for the message when it finds nothing. */
  public static final String LOOKED_FOR =
      "feed-forward blocks (MatMul[+Add] -> elementwise activation -> MatMul) and attention blocks"
          + " (Q/K/V MatMul[+Add] -> Reshape into heads -> MatMul -> Softmax -> MatMul -> Reshape"
          + " -> MatMul) with constant weights";

  /** Finds the blocks of {@code g} whose nodes {@code filter} accepts, of the kinds asked for. */
  public static Found find(GraphProto g, NodeFilter filter, boolean ffn, boolean heads) {
    Index ix = new Index(g);
    List<Block> blocks = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    Set<String> used = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      if (ffn && n.getOpType().equals("MatMul")) {
        Ffn f = ffn(ix, n);
        if (f != null) {
          add(blocks, skipped, used, f, List.of(f.up().matmul(), f.down().matmul()), filter);
        }
      }
      if (heads && n.getOpType().equals("Softmax")) {
        List<String> why = new ArrayList<>();
        Attention a = attention(ix, n, why);
        if (a != null) {
          List<NodeProto> nodes =
              List.of(a.q().matmul(), a.k().matmul(), a.v().matmul(), a.o().matmul());
          add(blocks, skipped, used, a, nodes, filter);
        } else if (!why.isEmpty()) {
          skipped.add("attention at " + Ops.label(n) + ": " + why.get(0) + "; heads left alone");
        }
      }
    }
    return new Found(blocks, skipped);
  }

  private static void add(
      List<Block> blocks,
      List<String> skipped,
      Set<String> used,
      Block b,
      List<NodeProto> nodes,
      NodeFilter filter) {
    for (NodeProto n : nodes) {
      if (!filter.accepts(n)) {
        skipped.add(b.label() + ": node " + Ops.label(n) + " excluded by the filter");
        return;
      }
    }
    // A weight shared with another block would be cut twice.
    for (NodeProto n : nodes) {
      if (!used.add(n.getInput(1))) {
        skipped.add(b.label() + ": weight " + n.getInput(1) + " is shared with another block");
        return;
      }
    }
    blocks.add(b);
  }

  /** Graph lookups. */
  static final class Index {
    final Map<String, TensorProto> init;
    final Map<String, NodeProto> producer = new HashMap<>();
    final Map<String, List<NodeProto>> consumers = new HashMap<>();
    final Set<String> outputs = new HashSet<>();

    Index(GraphProto g) {
      init = Graphs.initializers(g);
      for (NodeProto n : g.getNodeList()) {
        n.getOutputList().forEach(o -> producer.put(o, n));
        for (String in : n.getInputList()) {
          List<NodeProto> c = consumers.computeIfAbsent(in, k -> new ArrayList<>());
          if (!c.contains(n)) {
            c.add(n);
          }
        }
        for (var a : n.getAttributeList()) {
          if (a.hasG()) {
            // Values read inside a subgraph: treat as read by this node.
            Graphs.readers(a.getG())
                .keySet()
                .forEach(v -> consumers.computeIfAbsent(v, k -> new ArrayList<>()).add(n));
          }
        }
      }
      g.getOutputList().forEach(o -> outputs.add(o.getName()));
    }

    List<NodeProto> readers(String v) {
      return consumers.getOrDefault(v, List.of());
    }

    boolean isConst(String v) {
      return init.containsKey(v);
    }

    long numel(String v) {
      return Initializers.count(init.get(v).getDimsList());
    }
  }

  /** The linear layer starting at {@code mm}, or {@code null}. */
  static Linear linear(Index ix, NodeProto mm) {
    if (!mm.getOpType().equals("MatMul") || mm.getInputCount() != 2) {
      return null;
    }
    TensorProto w = ix.init.get(mm.getInput(1));
    if (w == null
        || ix.isConst(mm.getInput(0))
        || w.getDataType() != TensorProto.DataType.FLOAT_VALUE
        || w.getDimsCount() != 2
        || ix.outputs.contains(mm.getOutput(0))) {
      return null;
    }
    int in = (int) w.getDims(0);
    int out = (int) w.getDims(1);
    List<NodeProto> r = ix.readers(mm.getOutput(0));
    if (r.size() == 1 && r.get(0).getOpType().equals("Add") && r.get(0).getInputCount() == 2) {
      NodeProto add = r.get(0);
      String other = add.getInput(0).equals(mm.getOutput(0)) ? add.getInput(1) : add.getInput(0);
      TensorProto b = ix.init.get(other);
      if (b != null
          && b.getDataType() == TensorProto.DataType.FLOAT_VALUE
          && b.getDimsCount() == 1
          && b.getDims(0) == out) {
        return new Linear(mm, mm.getInput(1), add, other, in, out);
      }
    }
    return new Linear(mm, mm.getInput(1), null, null, in, out);
  }

  /** The linear layer whose output (after bias) is {@code v}, or {@code null}. */
  static Linear linearEndingAt(Index ix, String v) {
    NodeProto p = ix.producer.get(v);
    if (p == null) {
      return null;
    }
    if (p.getOpType().equals("MatMul")) {
      Linear l = linear(ix, p);
      return l != null && l.biasAdd() == null ? l : null;
    }
    if (p.getOpType().equals("Add")) {
      for (String in : p.getInputList()) {
        NodeProto mm = ix.producer.get(in);
        Linear l = mm == null ? null : linear(ix, mm);
        if (l != null && l.biasAdd() == p) {
          return l;
        }
      }
    }
    return null;
  }

  /** The feed-forward block starting at {@code mm}, or {@code null}. */
  static Ffn ffn(Index ix, NodeProto mm) {
    Linear up = linear(ix, mm);
    if (up == null) {
      return null;
    }
    int m = up.out();
    Set<String> region = new LinkedHashSet<>(List.of(up.output()));
    List<NodeProto> nodes = new ArrayList<>();
    List<NodeProto> waiting = new ArrayList<>();
    Set<String> sliced = new LinkedHashSet<>();
    Linear down = null;
    List<String> pending = new ArrayList<>(region);
    while (!pending.isEmpty()) {
      String v = pending.remove(0);
      if (ix.outputs.contains(v)) {
        return null;
      }
      for (NodeProto c : ix.readers(v)) {
        if (nodes.contains(c) || (down != null && c == down.matmul())) {
          continue;
        }
        Linear l = linear(ix, c);
        if (l != null && c.getInput(0).equals(v) && l.in() == m) {
          if (down != null) {
            return null; // two consumers: not one block
          }
          down = l;
          continue;
        }
        Op op = Op.of(c.getOpType());
        if (op == null
            || !ELEMENTWISE.contains(op)
            || !Op.defaultDomain(c.getDomain()) && op != Op.FAST_GELU && op != Op.BIAS_GELU
            || c.getOutputCount() != 1) {
          return null;
        }
        List<String> perNeuron = new ArrayList<>();
        boolean ready = true;
        for (String in : c.getInputList()) {
          if (in.isEmpty() || region.contains(in)) {
            continue;
          }
          TensorProto t = ix.init.get(in);
          if (t == null) {
            // Computed: in the region once its producer joins (GELU's x · Φ(x)), else not per
            // neuron; decided when that value comes up or at the end.
            ready = false;
            continue;
          }
          if (Initializers.count(t.getDimsList()) == 1) {
            continue;
          }
          if (t.getDimsCount() == 0 || t.getDims(t.getDimsCount() - 1) != m) {
            return null;
          }
          for (int i = 0; i < t.getDimsCount() - 1; i++) {
            if (t.getDims(i) != 1) {
              return null;
            }
          }
          perNeuron.add(in);
        }
        if (!ready) {
          waiting.add(c);
          continue;
        }
        sliced.addAll(perNeuron);
        nodes.add(c);
        region.add(c.getOutput(0));
        pending.add(c.getOutput(0));
      }
    }
    for (NodeProto w : waiting) {
      if (!nodes.contains(w)) {
        return null; // reads something computed outside the region
      }
    }
    if (down == null) {
      return null;
    }
    // The consumer must read the region's last value, and that value nothing else.
    String h = down.matmul().getInput(0);
    if (ix.readers(h).size() != 1) {
      return null;
    }
    for (String s : sliced) {
      // A per-neuron constant also read outside the region would change meaning there.
      for (NodeProto r : ix.readers(s)) {
        if (!nodes.contains(r)) {
          return null;
        }
      }
    }
    return new Ffn(up, nodes, List.copyOf(sliced), down);
  }

  /**
   * The attention block around {@code softmax}, or {@code null} with the reason in {@code why} when
   * the block is recognized but cannot be pruned (nothing when it is not an attention block).
   */
  static Attention attention(Index ix, NodeProto softmax, List<String> why) {
    NodeProto scores = scoresMatMul(ix, softmax.getInput(0), 4);
    if (scores == null) {
      return null;
    }
    Path qp = headPath(ix, scores.getInput(0));
    Path kp = headPath(ix, scores.getInput(1));
    NodeProto context = contextMatMul(ix, softmax.getOutput(0));
    if (qp == null || kp == null || context == null) {
      return null;
    }
    Path vp = headPath(ix, context.getInput(1));
    if (vp == null) {
      return null;
    }
    // Merge: context → Transpose → Reshape → output linear layer.
    List<NodeProto> ctxReaders = ix.readers(context.getOutput(0));
    if (ctxReaders.isEmpty() || !ctxReaders.get(0).getOpType().equals("Transpose")) {
      return null;
    }
    NodeProto merge = null;
    NodeProto tr = ctxReaders.get(0);
    for (NodeProto r : ix.readers(tr.getOutput(0))) {
      if (r.getOpType().equals("Reshape") && r.getInput(0).equals(tr.getOutput(0))) {
        merge = r;
      }
    }
    if (merge == null) {
      return null;
    }
    List<NodeProto> oReaders = ix.readers(merge.getOutput(0));
    Linear o = oReaders.size() == 1 ? linear(ix, oReaders.get(0)) : null;
    if (o == null || !o.matmul().getInput(0).equals(merge.getOutput(0))) {
      return null;
    }
    Linear q = qp.linear;
    Linear k = kp.linear;
    Linear v = vp.linear;
    int n = q.out();
    if (k.out() != n || v.out() != n || o.in() != n) {
      why.add("Q/K/V/output widths differ (" + n + ", " + k.out() + ", " + v.out() + ", " + o.in());
      return null;
    }
    // Head count from the split shapes.
    List<ShapeEdit> edits = new ArrayList<>();
    int heads = -1;
    for (Path p : List.of(qp, kp, vp)) {
      Long[] shape = resolve(ix, p.reshape.getInput(1));
      if (shape == null || shape.length < 3) {
        why.add(
            "the head split "
                + Ops.label(p.reshape)
                + " has a shape computed in a way not"
                + " rewritable here");
        return null;
      }
      Long h = shape[shape.length - 2];
      Long d = shape[shape.length - 1];
      int found;
      if (h != null && h > 0 && (d == null || d == -1 || h * d == n)) {
        found = (int) (long) h;
      } else if ((h == null || h == -1) && d != null && d > 0 && n % d == 0) {
        found = (int) (n / d);
      } else {
        why.add("the head split " + Ops.label(p.reshape) + " has no head count in its shape");
        return null;
      }
      if (heads != -1 && found != heads || n % found != 0) {
        why.add("Q, K and V are split into different head counts");
        return null;
      }
      heads = found;
      if (h != null && h > 0) {
        ShapeEdit e = editAt(ix, p.reshape, shape.length - 2, false);
        if (e == null) {
          why.add("the head count of " + Ops.label(p.reshape) + " comes from a computation");
          return null;
        }
        edits.add(e);
      } else if (d == null || d <= 0) {
        why.add("the head split " + Ops.label(p.reshape) + " does not fix the head size");
        return null;
      }
    }
    Long[] merged = resolve(ix, merge.getInput(1));
    if (merged == null || merged.length < 2) {
      why.add("the head merge " + Ops.label(merge) + " has a shape not rewritable here");
      return null;
    }
    Long last = merged[merged.length - 1];
    if (last != null && last == n) {
      ShapeEdit e = editAt(ix, merge, merged.length - 1, true);
      if (e == null) {
        why.add("the merged width of " + Ops.label(merge) + " comes from a computation");
        return null;
      }
      edits.add(e);
    } else if (last == null || last != -1) {
      why.add("the head merge " + Ops.label(merge) + " does not end in " + n + " or -1");
      return null;
    }
    int headSize = n / heads;
    // Shape readers of values carrying the head axis may only read other axes.
    String unsafe =
        unsafeShapeReaders(ix, List.of(qp, kp, vp), context, tr, merge, scores, softmax, o);
    if (unsafe != null) {
      why.add(unsafe);
      return null;
    }
    return new Attention(q, k, v, o, heads, headSize, edits);
  }

  /** A projection reshaped into heads: the linear layer, its Reshape, and the nodes after it. */
  private record Path(Linear linear, NodeProto reshape, List<NodeProto> after) {}

  /** Walks back from a score/context operand through Transposes and scalar ops to a head split. */
  private static Path headPath(Index ix, String v) {
    List<NodeProto> after = new ArrayList<>();
    for (int steps = 0; steps < 6; steps++) {
      NodeProto p = ix.producer.get(v);
      if (p == null) {
        return null;
      }
      switch (p.getOpType()) {
        case "Transpose" -> {
          after.add(p);
          v = p.getInput(0);
        }
        case "Mul", "Div" -> {
          if (p.getInputCount() != 2 || !scalarConst(ix, p.getInput(1))) {
            return null;
          }
          after.add(p);
          v = p.getInput(0);
        }
        case "Reshape" -> {
          Linear l = linearEndingAt(ix, p.getInput(0));
          return l == null ? null : new Path(l, p, after);
        }
        default -> {
          return null;
        }
      }
    }
    return null;
  }

  private static boolean scalarConst(Index ix, String v) {
    return ix.isConst(v) && ix.numel(v) == 1;
  }

  /** The MatMul of two computed operands that {@code v} derives from through score ops. */
  private static NodeProto scoresMatMul(Index ix, String v, int depth) {
    NodeProto p = ix.producer.get(v);
    if (p == null || depth < 0) {
      return null;
    }
    if (p.getOpType().equals("MatMul")) {
      boolean computed = !ix.isConst(p.getInput(0)) && !ix.isConst(p.getInput(1));
      return computed ? p : null;
    }
    Op op = Op.of(p.getOpType());
    if (op == null || !SCORE_OPS.contains(op) || !Op.defaultDomain(p.getDomain())) {
      return null;
    }
    for (String in : p.getInputList()) {
      if (!in.isEmpty() && !ix.isConst(in)) {
        NodeProto mm = scoresMatMul(ix, in, depth - 1);
        if (mm != null) {
          return mm;
        }
      }
    }
    return null;
  }

  /** The MatMul reading the attention probabilities as its first operand. */
  private static NodeProto contextMatMul(Index ix, String probs) {
    String v = probs;
    for (int steps = 0; steps < 3; steps++) {
      List<NodeProto> r = ix.readers(v);
      if (r.size() != 1) {
        return null;
      }
      NodeProto c = r.get(0);
      if (c.getOpType().equals("MatMul")) {
        return c.getInput(0).equals(v) && !ix.isConst(c.getInput(1)) ? c : null;
      }
      Op op = Op.of(c.getOpType());
      if (op != Op.DROPOUT && op != Op.IDENTITY && op != Op.CAST) {
        return null;
      }
      v = c.getOutput(0);
    }
    return null;
  }

  /**
   * A shape value's entries where they are constants ({@code null} where computed), or {@code null}
   * when even its length is unknown: an initializer, or a Concat of initializers and single-entry
   * computed parts (Unsqueeze of a scalar).
   */
  static Long[] resolve(Index ix, String v) {
    if (ix.isConst(v)) {
      long[] l = Initializers.longs(ix.init.get(v));
      if (l == null) {
        return null;
      }
      Long[] out = new Long[l.length];
      for (int i = 0; i < l.length; i++) {
        out[i] = l[i];
      }
      return out;
    }
    NodeProto p = ix.producer.get(v);
    if (p == null || !p.getOpType().equals("Concat")) {
      return null;
    }
    List<Long> out = new ArrayList<>();
    for (String in : p.getInputList()) {
      int len = entries(ix, in);
      if (len < 0) {
        return null;
      }
      if (ix.isConst(in)) {
        long[] l = Initializers.longs(ix.init.get(in));
        if (l == null) {
          return null;
        }
        for (long x : l) {
          out.add(x);
        }
      } else {
        for (int i = 0; i < len; i++) {
          out.add(null);
        }
      }
    }
    return out.toArray(new Long[0]);
  }

  /** The number of entries of a 1-D shape part, or -1 when unknown. */
  private static int entries(Index ix, String v) {
    if (ix.isConst(v)) {
      TensorProto t = ix.init.get(v);
      return t.getDimsCount() <= 1 ? (int) Initializers.count(t.getDimsList()) : -1;
    }
    NodeProto p = ix.producer.get(v);
    if (p != null && p.getOpType().equals("Unsqueeze")) {
      // Unsqueeze of a scalar: Gather of one entry of a Shape with a scalar index.
      NodeProto g = ix.producer.get(p.getInput(0));
      if (g != null
          && g.getOpType().equals("Gather")
          && ix.isConst(g.getInput(1))
          && ix.init.get(g.getInput(1)).getDimsCount() == 0) {
        return 1;
      }
    }
    return -1;
  }

  /** Where entry {@code index} of {@code reshape}'s shape lives as a constant, or {@code null}. */
  private static ShapeEdit editAt(Index ix, NodeProto reshape, int index, boolean hidden) {
    String s = reshape.getInput(1);
    if (ix.isConst(s)) {
      return new ShapeEdit(reshape, 1, index, hidden);
    }
    NodeProto concat = ix.producer.get(s);
    int at = 0;
    for (int i = 0; i < concat.getInputCount(); i++) {
      int len = entries(ix, concat.getInput(i));
      if (index < at + len) {
        return ix.isConst(concat.getInput(i)) ? new ShapeEdit(concat, i, index - at, hidden) : null;
      }
      at += len;
    }
    return null;
  }

  /**
   * Checks every value of the block that carries the head axis: each reader is part of the block or
   * a Shape whose entries are only gathered at other axes. Returns why not, or {@code null}.
   */
  private static String unsafeShapeReaders(
      Index ix,
      List<Path> paths,
      NodeProto context,
      NodeProto merge0,
      NodeProto merge,
      NodeProto scores,
      NodeProto softmax,
      Linear o) {
    Set<NodeProto> block = new HashSet<>(List.of(context, merge0, merge, scores, softmax));
    block.add(o.matmul());
    Map<String, Integer> axis = new HashMap<>();
    for (Path p : paths) {
      block.add(p.linear.matmul());
      block.add(p.reshape);
      block.addAll(p.after);
      Long[] shape = resolve(ix, p.reshape.getInput(1));
      int a = shape.length - 2;
      // The projection's output has one axis less than the split: heads × size is its last.
      if (p.linear.biasAdd() != null) {
        block.add(p.linear.biasAdd());
        axis.put(p.linear.matmul().getOutput(0), a);
      }
      axis.put(p.linear.output(), a);
      axis.put(p.reshape.getOutput(0), a);
      for (int i = p.after.size() - 1; i >= 0; i--) {
        NodeProto n = p.after.get(i);
        if (n.getOpType().equals("Transpose")) {
          a = indexOf(perm(n), a);
        }
        axis.put(n.getOutput(0), a);
      }
    }
    // Scores and context keep the operands' batch axes, the head axis among them.
    int headAxis = axis.getOrDefault(scores.getInput(0), -2);
    String v = scores.getOutput(0);
    while (v != null && !v.equals(context.getOutput(0))) {
      axis.put(v, headAxis);
      List<NodeProto> r = ix.readers(v);
      String next = null;
      for (NodeProto n : r) {
        if (n == context) {
          next = context.getOutput(0);
        } else if (onScorePath(n)) {
          block.add(n);
          next = n.getOutput(0);
        }
      }
      v = next;
    }
    axis.put(context.getOutput(0), headAxis);
    axis.put(merge0.getOutput(0), indexOf(perm(merge0), headAxis));
    axis.put(merge.getOutput(0), resolve(ix, merge.getInput(1)).length - 1);
    for (var e : axis.entrySet()) {
      for (NodeProto r : ix.readers(e.getKey())) {
        if (block.contains(r)) {
          continue;
        }
        if (!r.getOpType().equals("Shape") || r.getAttributeCount() > 0) {
          return "value " + e.getKey() + " is also read by " + Ops.label(r);
        }
        for (NodeProto g : ix.readers(r.getOutput(0))) {
          if (!g.getOpType().equals("Gather") || !ix.isConst(g.getInput(1))) {
            return "the shape of " + e.getKey() + " is read by " + Ops.label(g);
          }
          long[] idx = Initializers.longs(ix.init.get(g.getInput(1)));
          int a = e.getValue();
          for (long i : idx) {
            // Negative axes would need the rank: refused rather than guessed.
            if (i == a || i < 0 || a < 0) {
              return "the head axis of " + e.getKey() + " is read by " + Ops.label(g);
            }
          }
        }
      }
    }
    return null;
  }

  /** Whether {@code n} continues the chain from the scores to the context product. */
  private static boolean onScorePath(NodeProto n) {
    Op op = Op.of(n.getOpType());
    return op != null && (SCORE_OPS.contains(op) || op == Op.SOFTMAX);
  }

  private static long[] perm(NodeProto transpose) {
    for (var a : transpose.getAttributeList()) {
      if (a.getName().equals("perm")) {
        return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
      }
    }
    return new long[0];
  }

  private static int indexOf(long[] perm, int axis) {
    for (int i = 0; i < perm.length; i++) {
      if (perm[i] == axis) {
        return i;
      }
    }
    return -2; // unknown: no Gather index can match
  }
}
