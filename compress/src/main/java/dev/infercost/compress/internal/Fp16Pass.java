package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.base.Parameter;
import dev.infercost.compress.CompressException;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Half;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * float32 → float16 for GPU inference (CUDA, TensorRT), in the manner of onnxconverter-common's
 * {@code convert_float_to_float16(keep_io_types=True, op_block_list=...)}:
 *
 * <ul>
 *   <li>every node computes in float16 except the fp32 islands: block-listed op types (numerically
 *       sensitive: Softmax, normalizations, reductions, Pow/Sqrt/Exp/Log/Erf/Div), nodes the {@link
 *       PassContext#filter()} rejects, ops whose ONNX types have no float16 (Range,
 *       NonMaxSuppression, Q/DQ, random generators), ops outside the default domain and nodes with
 *       subgraphs; a light node (not MatMul, Gemm, Conv) whose non-constant float inputs all come
 *       from islands and whose float outputs only feed islands joins them, which saves two Casts
 *       and keeps e.g. a LayerNorm epsilon in float32;
 *   <li>only values of element type FLOAT change; integer, bool and index tensors are never
 *       touched;
 *   <li>float32 initializers and {@code Constant} values read by float16 nodes are stored as
 *       float16 (round to nearest even, finite values saturated to ±65504); one that an island also
 *       reads keeps its float32 copy, so islands see exact constants;
 *   <li>a {@code Cast(to=FLOAT)} in the float16 region that float16 nodes read becomes {@code
 *       Cast(to=FLOAT16)} (unless it casts from FLOAT16: that is a deliberate upcast); {@code
 *       ConstantOfShape} there makes float16;
 *   <li>one {@code Cast} per value and direction where the two regions meet;
 *   <li>with {@code keepIo}, graph inputs and outputs stay FLOAT: a Cast to float16 follows each
 *       float input and a Cast to float32 produces each float output (its producer's output is
 *       renamed, never the graph's); without, they become FLOAT16;
 *   <li>value_info entries of converted values say FLOAT16.
 * </ul>
 *
 * The result is checked structurally ({@link ElemTypes#check}); the pass throws rather than return
 * a graph with a type conflict it introduced. Its settings (block list, keepIo) come through the
 * constructor, the node filter through the {@link PassContext}.
 */
public final class Fp16Pass implements Pass {
  private static final int F32 = TensorProto.DataType.FLOAT_VALUE;
  private static final int F16 = TensorProto.DataType.FLOAT16_VALUE;

  private final Set<String> blockList;
  private final boolean keepIo;

  /**
   * @param blockList op types that stay float32 (see {@code Fp16Options#DEFAULT_BLOCK_LIST})
   * @param keepIo keep graph inputs and outputs float32
   */
  public Fp16Pass(List<String> blockList, boolean keepIo) {
    this.blockList = Set.copyOf(blockList);
    this.keepIo = keepIo;
  }

  @Override
  public String name() {
    return "fp16";
  }

  @Override
  public boolean idempotent() {
    // Its output has no FLOAT value outside the islands, and Casts from FLOAT16 are kept.
    return true;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext ctx) throws CompressException {
    return new Conversion(model.getGraph(), ctx).run(model);
  }

  /** The state of one conversion. */
  private final class Conversion {
    final GraphProto g;
    final PassContext ctx;
    final List<NodeProto> nodes;
    final Map<String, Integer> type;
    final Map<String, TensorProto> init;
    final Set<String> graphInputs = new HashSet<>();
    final Set<String> graphOutputs = new HashSet<>();
    final Set<String> implicit;
    final Map<String, Integer> producer = new HashMap<>();
    final Map<String, List<int[]>> readers = new HashMap<>();
    final Names names;

    /** Per node, why it stays float32, or null for a float16 node. */
    final String[] island;

    Conversion(GraphProto g, PassContext ctx) {
      this.g = g;
      this.ctx = ctx;
      this.nodes = g.getNodeList();
      this.type = ElemTypes.infer(g, true);
      this.init = Graphs.initializers(g);
      g.getInputList().forEach(v -> graphInputs.add(v.getName()));
      g.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
      this.implicit = ElemTypes.implicitReads(g);
      this.names = new Names(g);
      for (int i = 0; i < nodes.size(); i++) {
        NodeProto n = nodes.get(i);
        for (String o : n.getOutputList()) {
          if (!o.isEmpty()) {
            producer.put(o, i);
          }
        }
        for (int k = 0; k < n.getInputCount(); k++) {
          if (!n.getInput(k).isEmpty()) {
            readers.computeIfAbsent(n.getInput(k), x -> new ArrayList<>()).add(new int[] {i, k});
          }
        }
      }
      this.island = new String[nodes.size()];
    }

    boolean isFloat(String v) {
      return !v.isEmpty() && type.getOrDefault(v, 0) == F32;
    }

    /** An initializer that is not a graph input (those can be fed, so they are inputs). */
    boolean isInitializer(String v) {
      return init.containsKey(v) && !graphInputs.contains(v);
    }

    /** A float Constant node in the float16 region: converted like an initializer. */
    boolean isConstantNode(int i) {
      NodeProto n = nodes.get(i);
      return Op.CONSTANT.is(n.getOpType())
          && island[i] == null
          && n.getOutputCount() == 1
          && isFloat(n.getOutput(0))
          && ElemTypes.attr(n, "sparse_value") == null;
    }

    boolean isConstant(String v) {
      if (isInitializer(v)) {
        return true;
      }
      Integer p = producer.get(v);
      return p != null && isConstantNode(p);
    }

    boolean anyType(int i, int k) {
      Op op = Op.of(nodes.get(i).getOpType());
      return op != null && op.anyTypeInputs().contains(k);
    }

    boolean touchesFloat(NodeProto n) {
      return n.getInputList().stream().anyMatch(this::isFloat)
          || n.getOutputList().stream().anyMatch(this::isFloat);
    }

    /** The type node {@code i} wants for its float input {@code k}, or 0 when any will do. */
    int wanted(int i, int k) {
      if (anyType(i, k)) {
        return 0;
      }
      Op op = Op.of(nodes.get(i).getOpType());
      if (island[i] != null || op != null && op.alwaysFloatInputs().contains(k)) {
        return F32;
      }
      return F16;
    }

    void classify() {
      for (int i = 0; i < nodes.size(); i++) {
        NodeProto n = nodes.get(i);
        String op = n.getOpType();
        Op entry = Op.of(op);
        if (!Op.defaultDomain(n.getDomain())) {
          island[i] = "domain '" + n.getDomain() + "' ops stay float32";
        } else if (ElemTypes.hasSubgraph(n)) {
          island[i] = "nodes with subgraphs stay float32";
        } else if (blockList.contains(op)) {
          island[i] = op + " is on the fp16 block list";
        } else if (entry != null && entry.has(Op.Trait.NO_FP16)) {
          island[i] = op + " has no float16 form";
        } else if (!ctx.filter().accepts(n)) {
          island[i] = "excluded by the filter";
        }
      }
      boolean changed = true;
      while (changed) {
        changed = false;
        for (int i = 0; i < nodes.size(); i++) {
          if (island[i] == null && betweenIslands(i)) {
            island[i] = "joins the float32 island around it";
            changed = true;
          }
        }
      }
    }

    /**
     * Whether float16 node {@code i} sits between islands: every non-constant float input comes
     * from an island node and every reader of its float outputs is an island node (a kept-float32
     * graph output also counts), at least one of each. In float16 it would cost two Casts and round
     * its constants (a LayerNorm epsilon of 1e-12 becomes 0). Matrix products and convolutions
     * never join: they are what float16 is for.
     */
    boolean betweenIslands(int i) {
      NodeProto n = nodes.get(i);
      Op op = Op.of(n.getOpType());
      if (op != null && op.has(Op.Trait.HEAVY) || op == Op.CAST || op == Op.CONSTANT) {
        return false;
      }
      boolean fromIsland = false;
      for (String v : n.getInputList()) {
        if (!isFloat(v) || isConstant(v)) {
          continue;
        }
        Integer p = producer.get(v);
        if (p == null || island[p] == null) {
          return false;
        }
        fromIsland = true;
      }
      boolean toIsland = false;
      for (String v : n.getOutputList()) {
        if (!isFloat(v)) {
          continue;
        }
        if (graphOutputs.contains(v) && mustBe(v) != F32) {
          return false;
        }
        for (int[] r : readers.getOrDefault(v, List.of())) {
          if (anyType(r[0], r[1])) {
            continue;
          }
          if (island[r[0]] == null) {
            return false;
          }
          toIsland = true;
        }
      }
      return fromIsland && toIsland;
    }

    /** The type the value's own name must carry (graph outputs, subgraph reads), or 0. */
    int mustBe(String v) {
      if (implicit.contains(v)) {
        return F32;
      }
      if (graphOutputs.contains(v)) {
        return keepIo ? F32 : F16;
      }
      return 0;
    }

    /** The type a non-constant float value has as its producer makes it. */
    int produced(String v) {
      Integer p = producer.get(v);
      if (p == null) { // a graph input
        return keepIo || init.containsKey(v) || implicit.contains(v) ? F32 : F16;
      }
      NodeProto n = nodes.get(p);
      if (island[p] != null) {
        return F32;
      }
      if (Op.CAST.is(n.getOpType())) {
        return retargeted(p) ? F16 : F32;
      }
      return F16;
    }

    /**
     * Whether {@code Cast(to=FLOAT)} node {@code i} becomes {@code Cast(to=FLOAT16)}: it is in the
     * float16 region, does not cast from FLOAT16 (a deliberate upcast) and a float16 node reads it.
     */
    boolean retargeted(int i) {
      NodeProto n = nodes.get(i);
      if (island[i] != null
          || !Op.CAST.is(n.getOpType())
          || Ops.intAttr(n, "to", 0) != F32
          || type.getOrDefault(n.getInput(0), 0) == F16) {
        return false;
      }
      for (int[] r : readers.getOrDefault(n.getOutput(0), List.of())) {
        if (!anyType(r[0], r[1]) && wanted(r[0], r[1]) == F16) {
          return true;
        }
      }
      return false;
    }

    PassResult run(ModelProto model) throws CompressException {
      classify();
      // Which types each float value is read in.
      Map<String, Set<Integer>> wants = new TreeMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        NodeProto n = nodes.get(i);
        for (int k = 0; k < n.getInputCount(); k++) {
          String v = n.getInput(k);
          int w = isFloat(v) ? wanted(i, k) : 0;
          if (w != 0) {
            wants.computeIfAbsent(v, x -> new LinkedHashSet<>()).add(w);
          }
        }
      }
      // Per float value: the name holding each type, and where Casts go.
      Map<String, Map<Integer, String>> versions = new HashMap<>();
      Map<String, String> renamed = new HashMap<>();
      Map<String, Integer> ownType = new HashMap<>(); // the type each original name ends up with
      List<NodeProto> prefix = new ArrayList<>();
      Map<Integer, List<NodeProto>> after = new HashMap<>();
      List<TensorProto> inits = new ArrayList<>();
      List<String> rewritten = new ArrayList<>();
      List<String> skipped = new ArrayList<>();
      Set<String> floats = new LinkedHashSet<>();
      g.getInputList().forEach(v -> floats.add(v.getName()));
      g.getInitializerList().forEach(t -> floats.add(t.getName()));
      nodes.forEach(n -> floats.addAll(n.getOutputList()));
      floats.removeIf(v -> !isFloat(v));
      for (String v : floats) {
        Set<Integer> w = wants.getOrDefault(v, Set.of());
        int must = mustBe(v);
        Map<Integer, String> ver = new HashMap<>();
        versions.put(v, ver);
        if (isConstant(v)) {
          int own = must != 0 ? must : w.equals(Set.of(F16)) ? F16 : F32;
          ownType.put(v, own);
          ver.put(own, v);
          for (int t : w) {
            if (t != own) {
              ver.put(t, names.fresh(v, suffix(t)));
            }
          }
          continue;
        }
        int p = produced(v);
        Integer at = producer.get(v);
        String holder = v;
        if (must != 0 && must != p && at != null) {
          holder = names.fresh(v, suffix(p));
          renamed.put(v, holder);
          ver.put(must, v);
          after.computeIfAbsent(at, x -> new ArrayList<>()).add(Ops.cast(names, holder, v, must));
        }
        ver.put(p, holder);
        ownType.put(v, renamed.containsKey(v) ? must : p);
        for (int t : w) {
          if (!ver.containsKey(t)) {
            String c = names.fresh(v, suffix(t));
            ver.put(t, c);
            NodeProto node = Ops.cast(names, holder, c, t);
            if (at == null) {
              prefix.add(node);
            } else {
              after.computeIfAbsent(at, x -> new ArrayList<>()).add(node);
            }
          }
        }
      }
      // Initializers: in place, plus the copy of the other type where both are read.
      for (TensorProto t : g.getInitializerList()) {
        String v = t.getName();
        if (!isFloat(v) || !isConstant(v)) {
          inits.add(t);
          continue;
        }
        float[] values = Initializers.floats(t);
        long[] dims = Initializers.dims(t);
        inits.add(ownType.get(v) == F16 ? Half.tensor(v, dims, values) : t);
        for (var e : versions.get(v).entrySet()) {
          if (!e.getValue().equals(v)) {
            inits.add(
                e.getKey() == F16
                    ? Half.tensor(e.getValue(), dims, values)
                    : t.toBuilder().setName(e.getValue()).build());
          }
        }
      }
      // Nodes.
      List<NodeProto> out = new ArrayList<>(prefix);
      for (int i = 0; i < nodes.size(); i++) {
        NodeProto n = nodes.get(i);
        NodeProto.Builder b = n.toBuilder();
        for (int k = 0; k < n.getInputCount(); k++) {
          String v = n.getInput(k);
          if (!isFloat(v)) {
            continue;
          }
          int w = wanted(i, k);
          Map<Integer, String> ver = versions.get(v);
          b.setInput(k, w == 0 ? renamed.getOrDefault(v, v) : ver.get(w));
        }
        for (int k = 0; k < n.getOutputCount(); k++) {
          String r = renamed.get(n.getOutput(k));
          if (r != null) {
            b.setOutput(k, r);
          }
        }
        String op = n.getOpType();
        if (island[i] == null) {
          if (retargeted(i)) {
            setAttribute(b, Ops.intAttribute("to", F16));
          } else if (Op.CONSTANT_OF_SHAPE.is(op) && isFloat(n.getOutput(0))) {
            AttributeProto a = ElemTypes.attr(n, "value");
            float[] v = a == null ? new float[] {0f} : Initializers.floats(a.getT());
            long[] dims = a == null ? new long[] {1} : Initializers.dims(a.getT());
            setAttribute(b, tensorAttribute("value", Half.tensor("value", dims, v)));
          }
        }
        if (isConstantNode(i)) {
          String v = n.getOutput(0);
          TensorProto t = constantValue(n);
          float[] values = Initializers.floats(t);
          long[] dims = Initializers.dims(t);
          if (ownType.get(v) == F16) {
            b.clearAttribute()
                .addAttribute(tensorAttribute("value", Half.tensor(t.getName(), dims, values)));
          }
          out.add(b.build());
          for (var e : versions.get(v).entrySet()) {
            if (!e.getValue().equals(v)) {
              TensorProto copy = e.getKey() == F16 ? Half.tensor(t.getName(), dims, values) : t;
              out.add(
                  Op.CONSTANT
                      .node(names.fresh(Ops.label(n), suffix(e.getKey())))
                      .addOutput(e.getValue())
                      .addAttribute(tensorAttribute("value", copy))
                      .build());
            }
          }
        } else {
          out.add(b.build());
        }
        out.addAll(after.getOrDefault(i, List.of()));
        if (island[i] != null) {
          if (touchesFloat(n)) {
            skipped.add(Ops.label(n) + ": " + island[i]);
          }
        } else if (Op.CAST.is(op)
            ? retargeted(i)
            : isConstantNode(i) ? versions.get(n.getOutput(0)).containsKey(F16) : touchesFloat(n)) {
          rewritten.add(Ops.label(n));
        }
      }
      // Graph inputs, outputs and value_info say what the names now hold.
      GraphProto.Builder gb =
          g.toBuilder().clearNode().addAllNode(out).clearInitializer().addAllInitializer(inits);
      for (int i = 0; i < gb.getInputCount(); i++) {
        String v = gb.getInput(i).getName();
        if (isFloat(v) && produced(v) != F32) {
          gb.setInput(i, ElemTypes.withType(gb.getInput(i), produced(v)));
        }
      }
      for (int i = 0; i < gb.getOutputCount(); i++) {
        String v = gb.getOutput(i).getName();
        if (isFloat(v) && ownType.getOrDefault(v, F32) != F32) {
          gb.setOutput(i, ElemTypes.withType(gb.getOutput(i), ownType.get(v)));
        }
      }
      for (int i = 0; i < gb.getValueInfoCount(); i++) {
        ValueInfoProto vi = gb.getValueInfo(i);
        if (isFloat(vi.getName())
            && ElemTypes.of(vi) == F32
            && ownType.getOrDefault(vi.getName(), F32) != F32) {
          gb.setValueInfo(i, ElemTypes.withType(vi, ownType.get(vi.getName())));
        }
      }
      GraphProto converted = Graphs.dropUnusedInitializers(gb.build());
      List<String> before = ElemTypes.check(g);
      List<String> problems = new ArrayList<>(ElemTypes.check(converted));
      problems.removeAll(before);
      if (!problems.isEmpty()) {
        throw new CompressException(
            "fp16: the converted graph is inconsistent ("
                + String.join("; ", problems.subList(0, Math.min(3, problems.size())))
                + "); exclude the nodes involved from the conversion",
            Parameter.EXCLUDE);
      }
      ModelProto result =
          rewritten.isEmpty()
                  && prefix.isEmpty()
                  && after.isEmpty()
                  && inits.equals(g.getInitializerList())
              ? model
              : model.toBuilder().setGraph(converted).build();
      return new PassResult(name(), result, rewritten, skipped);
    }
  }

  private static String suffix(int type) {
    return type == F16 ? "_fp16" : "_fp32";
  }

  private static TensorProto constantValue(NodeProto n) {
    for (AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return a.getT();
        case "value_float":
          return Initializers.ofFloats("value", new long[0], new float[] {a.getF()});
        case "value_floats":
          float[] v = new float[a.getFloatsCount()];
          for (int i = 0; i < v.length; i++) {
            v[i] = a.getFloats(i);
          }
          return Initializers.ofFloats("value", new long[] {v.length}, v);
        default:
          break;
      }
    }
    throw new IllegalStateException(Ops.label(n) + ": Constant without a float value");
  }

  private static AttributeProto tensorAttribute(String name, TensorProto t) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.TENSOR)
        .setT(t)
        .build();
  }

  private static void setAttribute(NodeProto.Builder b, AttributeProto a) {
    for (int i = 0; i < b.getAttributeCount(); i++) {
      if (b.getAttribute(i).getName().equals(a.getName())) {
        b.setAttribute(i, a);
        return;
      }
    }
    b.addAttribute(a);
  }
}
