package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.NodeFilter;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The channel groups of an ONNX CNN: which Conv output channels can be removed together, and every
 * node input that must shrink with them.
 *
 * <p>Each Conv (group 1, float32 initializer weight) opens a <em>space</em> of output channels. The
 * walk follows each value's channel axis (axis 1) in node order: through BatchNormalization,
 * InstanceNormalization, unary activations and pooling unchanged; through Add/Mul/Sub/... of two
 * walked values, whose spaces become one group (a residual connection ties its inputs' producers);
 * through Concat on axis 1, which lays its inputs' spaces side by side at offsets; through a
 * depthwise Conv (group = channels, one filter each), whose weight and bias follow the channels of
 * its input; through Flatten (or a 2-D Reshape {@code [d, -1]}, or a Squeeze of the spatial axes)
 * into a Gemm or MatMul, where each channel becomes a run of rows. A space ends where a Conv, Gemm
 * or MatMul reads it: those are the <em>sinks</em>, whose input channels shrink. Anything the walk
 * does not follow (Reshape to another shape, Resize, Split, Transpose, Slice, a grouped Conv, a
 * graph output, a subgraph, an operand it cannot slice) makes every group on that value unprunable,
 * with the reason.
 */
public final class ChannelGroups {
  /** Channels of one space: a Conv's output channels. */
  public record Segment(int space, int channels) {}

  /**
   * What a value's channel axis is made of: spaces side by side, each channel {@code factor}
   * consecutive columns (after a Flatten), in a tensor of rank {@code rank}.
   */
  public record Layout(List<Segment> segments, int rank, long factor) {
    public Layout {
      segments = List.copyOf(segments);
    }

    /** Channels of the layout (columns / factor). */
    public int channels() {
      return segments.stream().mapToInt(Segment::channels).sum();
    }
  }

  /** A node input holding per-channel entries of {@code layout} along {@code axis}. */
  public record Slice(int node, int input, int axis, Layout layout) {}

  /** How a sink reads a layout: which weight axis is the input axis. */
  public enum SinkKind {
    CONV,
    GEMM,
    GEMM_TRANSPOSED,
    MATMUL
  }

  /** A node whose input channels shrink: its input {@code value} has {@code layout}. */
  public record Sink(int node, String value, Layout layout, SinkKind kind) {}

  /** A Conv that opens a space of {@code channels} output channels. */
  public record Space(int node, int channels) {}

  /**
   * A node whose multiply-accumulates change with the pruning: {@code base × out × in} with {@code
   * out} the kept channels of {@code outSpace} (or {@code outFixed}) and {@code in} the kept
   * columns of {@code in} (or {@code inFixed}).
   */
  public record MacNode(
      int node, long base, int outSpace, long outFixed, Layout in, long inFixed) {}

  private final List<Space> spaces = new ArrayList<>();
  private final int[] parent;
  private final Map<Integer, List<String>> reasons = new TreeMap<>();
  private final List<Slice> slices = new ArrayList<>();
  private final List<Sink> sinks = new ArrayList<>();
  private final List<MacNode> macNodes = new ArrayList<>();
  private final GraphProto graph;
  private final Set<String> walked = new LinkedHashSet<>();

  private static final Set<Op> UNARY =
      EnumSet.of(
          Op.RELU,
          Op.CLIP,
          Op.SIGMOID,
          Op.HARD_SIGMOID,
          Op.HARD_SWISH,
          Op.LEAKY_RELU,
          Op.ELU,
          Op.SELU,
          Op.TANH,
          Op.SOFTPLUS,
          Op.MISH,
          Op.GELU,
          Op.IDENTITY,
          Op.NEG,
          Op.ABS,
          Op.SQRT,
          Op.EXP,
          Op.ERF,
          Op.DROPOUT,
          Op.RECIPROCAL,
          Op.FLOOR,
          Op.CEIL,
          Op.ROUND,
          Op.SIGN,
          Op.LOG,
          Op.MAX_POOL,
          Op.AVERAGE_POOL,
          Op.LP_POOL,
          Op.GLOBAL_AVERAGE_POOL,
          Op.GLOBAL_MAX_POOL);

  private static final Set<Op> ELEMENTWISE =
      EnumSet.of(Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.MAX, Op.MIN, Op.SUM, Op.MEAN, Op.PRELU, Op.POW);

  private ChannelGroups(GraphProto g) {
    this.graph = g;
    this.parent = new int[g.getNodeCount()];
  }

  /**
   * Finds the groups of {@code g} (canonicalized: weights are initializers). {@code shapes} gives
   * value shapes (for MAC counts and Flatten sizes; {@code null} when unknown); Convs the filter
   * rejects open unprunable spaces.
   */
  public static ChannelGroups find(GraphProto g, Function<String, long[]> shapes, NodeFilter f) {
    ChannelGroups c = new ChannelGroups(g);
    c.walk(shapes, f);
    return c;
  }

  private void walk(Function<String, long[]> shapes, NodeFilter filter) {
    Map<String, TensorProto> init = Graphs.initializers(graph);
    Map<String, Layout> layouts = new LinkedHashMap<>();
    Set<String> subgraphReads = new HashSet<>();
    for (NodeProto n : graph.getNodeList()) {
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          subgraphReads.addAll(Graphs.readers(a.getG()).keySet());
        }
        a.getGraphsList().forEach(sg -> subgraphReads.addAll(Graphs.readers(sg).keySet()));
      }
    }
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto n = graph.getNode(i);
      Op op = Op.defaultDomain(n.getDomain()) ? Op.of(n.getOpType()) : null;
      List<Layout> in = new ArrayList<>();
      for (String v : n.getInputList()) {
        in.add(layouts.get(v));
      }
      boolean any = in.stream().anyMatch(l -> l != null);
      String why = "read by " + n.getOpType() + " '" + Ops.label(n) + "', which the walk";
      if (op == Op.CONV) {
        conv(i, n, in, init, shapes, filter, layouts);
      } else if (!any) {
        continue;
      } else if (op == Op.BATCH_NORMALIZATION || op == Op.INSTANCE_NORMALIZATION) {
        int last = op == Op.BATCH_NORMALIZATION ? 4 : 2;
        Layout l = in.get(0);
        String problem = n.getOutputCount() > 1 ? "has training outputs" : null;
        for (int k = 1; k <= last && problem == null; k++) {
          TensorProto t = k < n.getInputCount() ? init.get(n.getInput(k)) : null;
          if (t == null || t.getDimsCount() != 1 || t.getDims(0) != l.channels() * l.factor()) {
            problem = "has a parameter that is not a constant per channel";
          }
        }
        if (problem != null) {
          unprunable(in, n.getOpType() + " '" + Ops.label(n) + "' " + problem);
          continue;
        }
        for (int k = 1; k <= last; k++) {
          slices.add(new Slice(i, k, 0, l));
        }
        layouts.put(n.getOutput(0), l);
      } else if (UNARY.contains(op) && in.get(0) != null && otherInputsPlain(in)) {
        if (n.getOutputCount() > 1 && !n.getOutput(1).isEmpty()) {
          unprunable(in, why + " reads with a second output");
          continue;
        }
        layouts.put(n.getOutput(0), in.get(0));
      } else if (ELEMENTWISE.contains(op)) {
        Layout l = elementwise(i, n, in, init);
        if (l != null) {
          layouts.put(n.getOutput(0), l);
        }
      } else if (op == Op.CONCAT) {
        Layout l = concat(n, in);
        if (l != null) {
          layouts.put(n.getOutput(0), l);
        }
      } else if (op == Op.FLATTEN || op == Op.RESHAPE || op == Op.SQUEEZE) {
        Layout l = flatten(n, op, in, init, shapes);
        if (l != null) {
          layouts.put(n.getOutput(0), l);
        }
      } else if ((op == Op.GEMM || op == Op.MATMUL) && in.get(0) != null && otherInputsPlain(in)) {
        matrixSink(i, n, op, in.get(0), init, shapes);
      } else {
        unprunable(in, why + " does not follow");
      }
    }
    walked.addAll(layouts.keySet());
    for (var o : graph.getOutputList()) {
      Layout l = layouts.get(o.getName());
      if (l != null) {
        unprunable(List.of(l), "graph output '" + o.getName() + "'");
      }
    }
    for (String v : subgraphReads) {
      Layout l = layouts.get(v);
      if (l != null) {
        unprunable(List.of(l), "'" + v + "' is read inside a subgraph");
      }
    }
  }

  private static boolean otherInputsPlain(List<Layout> in) {
    return in.subList(1, in.size()).stream().allMatch(l -> l == null);
  }

  private void conv(
      int i,
      NodeProto n,
      List<Layout> in,
      Map<String, TensorProto> init,
      Function<String, long[]> shapes,
      NodeFilter filter,
      Map<String, Layout> layouts) {
    Layout l = in.get(0);
    String label = "Conv '" + Ops.label(n) + "'";
    if (!otherInputsPlain(in)) {
      unprunable(in, label + " reads a walked value as its weight or bias");
      return;
    }
    String problem = Ops.weightProblem(n, Op.CONV, init);
    if (problem == null && n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      TensorProto b = init.get(n.getInput(2));
      problem = b == null || Initializers.floats(b) == null ? "bias is not a constant" : null;
    }
    if (problem != null) {
      unprunable(in, label + ": " + problem);
      return;
    }
    TensorProto w = init.get(n.getInput(1));
    long groups = Ops.intAttr(n, "group", 1);
    long out = w.getDims(0);
    long[] outShape = shapes.apply(n.getOutput(0));
    long base = 1;
    for (int d = 2; d < w.getDimsCount(); d++) {
      base *= w.getDims(d);
    }
    if (outShape != null && outShape.length == w.getDimsCount()) {
      for (int d = 2; d < outShape.length; d++) {
        base *= outShape[d];
      }
    } else {
      base = -1;
    }
    boolean depthwise = groups > 1 && w.getDims(1) == 1 && out == groups;
    if (depthwise && l != null && l.channels() * l.factor() == groups && l.factor() == 1) {
      slices.add(new Slice(i, 1, 0, l));
      slices.add(new Slice(i, 2, 0, l));
      macNodes.add(new MacNode(i, base, -1, 1, l, 0));
      if (base < 0) {
        unprunable(in, label + ": output shape unknown");
      }
      layouts.put(n.getOutput(0), l);
      return;
    }
    if (groups > 1) {
      unprunable(in, label + " is grouped (group " + groups + ")");
      return;
    }
    if (l != null) {
      if (l.factor() != 1 || l.channels() != w.getDims(1)) {
        unprunable(in, label + " reads channels the walk cannot map");
        return;
      }
      slices.add(new Slice(i, 1, 1, l));
      sinks.add(new Sink(i, n.getInput(0), l, SinkKind.CONV));
    }
    int s = spaces.size();
    spaces.add(new Space(i, (int) out));
    parent[s] = s;
    Layout own = new Layout(List.of(new Segment(s, (int) out)), w.getDimsCount(), 1);
    slices.add(new Slice(i, 1, 0, own));
    slices.add(new Slice(i, 2, 0, own));
    macNodes.add(new MacNode(i, base, s, out, l, w.getDims(1)));
    if (!filter.accepts(n)) {
      reason(s, label + " is excluded by the node filter");
    }
    if (base < 0) {
      unprunable(List.of(own), label + ": output shape unknown");
      if (l != null) {
        unprunable(in, label + ": output shape unknown");
      }
    }
    layouts.put(n.getOutput(0), own);
  }

  private Layout elementwise(int i, NodeProto n, List<Layout> in, Map<String, TensorProto> init) {
    String label = n.getOpType() + " '" + Ops.label(n) + "'";
    List<Layout> walked = new ArrayList<>();
    for (Layout l : in) {
      if (l != null && l.channels() * l.factor() > 1) {
        walked.add(l);
      }
    }
    for (Layout l : in) {
      if (l != null && l.channels() * l.factor() == 1 && !walked.isEmpty()) {
        unprunable(List.of(l), label + " broadcasts a single channel");
      }
    }
    if (walked.isEmpty()) {
      return in.stream().filter(l -> l != null).findFirst().orElse(null);
    }
    Layout first = walked.get(0);
    for (Layout l : walked) {
      if (!structure(l).equals(structure(first))) {
        unprunable(in, label + " combines differently laid out channels");
        return null;
      }
    }
    for (Layout l : walked) {
      for (int k = 0; k < l.segments().size(); k++) {
        union(first.segments().get(k).space(), l.segments().get(k).space());
      }
    }
    long width = first.channels() * first.factor();
    for (int k = 0; k < n.getInputCount(); k++) {
      if (in.get(k) != null) {
        continue;
      }
      TensorProto t = init.get(n.getInput(k));
      if (t == null) {
        unprunable(in, label + " combines them with '" + n.getInput(k) + "', not a constant");
        return null;
      }
      if (t.getDimsCount() > first.rank()) {
        unprunable(in, label + " broadcasts to a higher rank");
        return null;
      }
      int axis = 1 - (first.rank() - t.getDimsCount());
      if (axis < 0 || t.getDims(axis) == 1) {
        continue;
      }
      if (t.getDims(axis) != width || Initializers.floats(t) == null) {
        unprunable(in, label + " has a constant that does not broadcast per channel");
        return null;
      }
      slices.add(new Slice(i, k, axis, first));
    }
    return first;
  }

  private static List<Object> structure(Layout l) {
    List<Object> s = new ArrayList<>();
    l.segments().forEach(x -> s.add(x.channels()));
    s.add(l.rank());
    s.add(l.factor());
    return s;
  }

  private Layout concat(NodeProto n, List<Layout> in) {
    String label = "Concat '" + Ops.label(n) + "'";
    int rank = in.stream().filter(l -> l != null).findFirst().orElseThrow().rank();
    long axis = Ops.intAttr(n, "axis", 1);
    axis = axis < 0 ? axis + rank : axis;
    List<Segment> segments = new ArrayList<>();
    for (Layout l : in) {
      if (l == null || axis != 1 || l.factor() != 1 || l.rank() != rank) {
        unprunable(
            in,
            label
                + (axis != 1
                    ? " joins on axis " + axis
                    : " joins them with a value the walk does not follow"));
        return null;
      }
      segments.addAll(l.segments());
    }
    return new Layout(segments, rank, 1);
  }

  private Layout flatten(
      NodeProto n,
      Op op,
      List<Layout> in,
      Map<String, TensorProto> init,
      Function<String, long[]> shapes) {
    Layout l = in.get(0);
    String label = n.getOpType() + " '" + Ops.label(n) + "'";
    long[] shape = shapes.apply(n.getInput(0));
    if (l == null || !otherInputsPlain(in) || shape == null || shape.length != l.rank()) {
      unprunable(in, label + " reshapes channels the walk cannot map");
      return null;
    }
    long rest = 1;
    for (int d = 2; d < shape.length; d++) {
      rest *= shape[d];
    }
    if (op == Op.FLATTEN && Ops.intAttr(n, "axis", 1) == 1) {
      return new Layout(l.segments(), 2, l.factor() * rest);
    }
    if (op == Op.RESHAPE && n.getInputCount() > 1 && init.containsKey(n.getInput(1))) {
      long[] to = Initializers.longs(init.get(n.getInput(1)));
      if (to != null && to.length == 2 && to[1] == -1 && to[0] != -1) {
        return new Layout(l.segments(), 2, l.factor() * rest);
      }
    }
    if (op == Op.SQUEEZE) {
      long[] axes = Ops.axes(n, init);
      boolean spatial = axes != null && axes.length > 0;
      for (long a : axes == null ? new long[0] : axes) {
        long ax = a < 0 ? a + shape.length : a;
        spatial &= ax >= 2 && ax < shape.length && shape[(int) ax] == 1;
      }
      if (spatial) {
        return new Layout(l.segments(), l.rank() - axes.length, l.factor());
      }
    }
    unprunable(in, label + " reshapes channels the walk cannot map");
    return null;
  }

  private void matrixSink(
      int i,
      NodeProto n,
      Op op,
      Layout l,
      Map<String, TensorProto> init,
      Function<String, long[]> shapes) {
    String label = n.getOpType() + " '" + Ops.label(n) + "'";
    String problem = Ops.weightProblem(n, op, init);
    if (problem == null && l.rank() != 2) {
      problem = "reads a rank-" + l.rank() + " value";
    }
    boolean transB = op == Op.GEMM && Ops.intAttr(n, "transB", 0) != 0;
    TensorProto w = problem == null ? init.get(n.getInput(1)) : null;
    if (w != null && w.getDims(transB ? 1 : 0) != l.channels() * l.factor()) {
      problem = "has a weight that does not match the channels";
    }
    if (problem != null) {
      unprunable(List.of(l), label + ": " + problem);
      return;
    }
    long outCols = w.getDims(transB ? 0 : 1);
    long[] outShape = shapes.apply(n.getOutput(0));
    long rows = 1;
    if (outShape == null) {
      rows = -1;
      unprunable(List.of(l), label + ": output shape unknown");
    } else {
      for (int d = 0; d < outShape.length - 1; d++) {
        rows *= outShape[d];
      }
    }
    int axis = transB ? 1 : 0;
    slices.add(new Slice(i, 1, axis, l));
    SinkKind kind =
        op == Op.MATMUL ? SinkKind.MATMUL : transB ? SinkKind.GEMM_TRANSPOSED : SinkKind.GEMM;
    sinks.add(new Sink(i, n.getInput(0), l, kind));
    macNodes.add(new MacNode(i, rows * outCols, -1, 1, l, 0));
  }

  private void unprunable(List<Layout> in, String why) {
    for (Layout l : in) {
      if (l != null) {
        l.segments().forEach(s -> reason(s.space(), why));
      }
    }
  }

  private void reason(int space, String why) {
    List<String> r = reasons.computeIfAbsent(space, k -> new ArrayList<>());
    if (!r.contains(why)) {
      r.add(why);
    }
  }

  // Union-find over spaces; parent[] is indexed by space (sized by node count, an upper bound).
  private int find(int s) {
    while (parent[s] != s) {
      parent[s] = parent[parent[s]];
      s = parent[s];
    }
    return s;
  }

  private void union(int a, int b) {
    int ra = find(a);
    int rb = find(b);
    if (ra != rb) {
      // The earlier space stays the root, so group order follows node order.
      parent[Math.max(ra, rb)] = Math.min(ra, rb);
    }
  }

  /** The group (its root space) of {@code space}. */
  public int group(int space) {
    return find(space);
  }

  /** Root spaces of all groups, in node order. */
  public List<Integer> groups() {
    Set<Integer> g = new LinkedHashSet<>();
    for (int s = 0; s < spaces.size(); s++) {
      g.add(find(s));
    }
    return List.copyOf(g);
  }

  /** Spaces of the group rooted at {@code root}, in node order. */
  public List<Integer> members(int root) {
    List<Integer> m = new ArrayList<>();
    for (int s = 0; s < spaces.size(); s++) {
      if (find(s) == root) {
        m.add(s);
      }
    }
    return m;
  }

  /** Why the group rooted at {@code root} is left alone; empty when it can be pruned. */
  public List<String> reasons(int root) {
    List<String> r = new ArrayList<>();
    for (int s : members(root)) {
      for (String x : reasons.getOrDefault(s, List.of())) {
        if (!r.contains(x)) {
          r.add(x);
        }
      }
    }
    return r;
  }

  /** Channels of the group rooted at {@code root} (all its spaces have as many). */
  public int channels(int root) {
    return spaces.get(root).channels();
  }

  /** The values the walk followed (whose channel count may change). */
  public Set<String> walked() {
    return Set.copyOf(walked);
  }

  /** The spaces, in node order. */
  public List<Space> spaces() {
    return List.copyOf(spaces);
  }

  public List<Slice> slices() {
    return List.copyOf(slices);
  }

  public List<Sink> sinks() {
    return List.copyOf(sinks);
  }

  public List<MacNode> macNodes() {
    return List.copyOf(macNodes);
  }

  /** A label of the group rooted at {@code root}: its producing Convs. */
  public String label(int root) {
    List<String> names = new ArrayList<>();
    for (int s : members(root)) {
      names.add(Ops.label(graph.getNode(spaces.get(s).node())));
    }
    return String.join("+", names);
  }
}
