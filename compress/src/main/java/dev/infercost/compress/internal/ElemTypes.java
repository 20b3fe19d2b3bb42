package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Element-type propagation over a graph (ONNX {@code TensorProto.DataType} numbers, 0 when
 * unknown), and a structural check built on it: every value defined before it is read, and the
 * floating-point inputs and outputs of each node agree on one type where the operator's type
 * constraints require it. Rules cover the standard operators; outputs of others take the type of
 * their first floating-point input, else of their first typed input.
 */
public final class ElemTypes {
  private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;
  private static final int INT64 = TensorProto.DataType.INT64_VALUE;
  private static final int INT32 = TensorProto.DataType.INT32_VALUE;
  private static final int UINT8 = TensorProto.DataType.UINT8_VALUE;
  private static final int BOOL = TensorProto.DataType.BOOL_VALUE;
  private static final int STRING = TensorProto.DataType.STRING_VALUE;

  private ElemTypes() {}

  /** Whether {@code t} is a floating-point element type. */
  public static boolean isFloating(int t) {
    return t == FLOAT
        || t == TensorProto.DataType.FLOAT16_VALUE
        || t == TensorProto.DataType.DOUBLE_VALUE
        || t == TensorProto.DataType.BFLOAT16_VALUE;
  }

  /** The element type a value info declares, or 0. */
  public static int of(ValueInfoProto v) {
    return v.hasType() && v.getType().hasTensorType()
        ? v.getType().getTensorType().getElemType()
        : 0;
  }

  /** {@code v} with its tensor element type replaced. */
  public static ValueInfoProto withType(ValueInfoProto v, int elemType) {
    TypeProto.Builder t = v.getType().toBuilder();
    t.getTensorTypeBuilder().setElemType(elemType);
    return v.toBuilder().setType(t).build();
  }

  /**
   * The element type of every value of {@code g}: graph inputs and initializers as stored, node
   * outputs by the operator rules. With {@code declared}, types the graph's value_info and outputs
   * state win over the rules (the way to read a model); without, they are only compared (the way to
   * check one).
   */
  public static Map<String, Integer> infer(GraphProto g, boolean declared) {
    Map<String, Integer> t = new HashMap<>();
    g.getInputList().forEach(v -> put(t, v.getName(), of(v)));
    g.getInitializerList().forEach(i -> t.put(i.getName(), i.getDataType()));
    Map<String, Integer> stated = new HashMap<>();
    if (declared) {
      g.getValueInfoList().forEach(v -> put(stated, v.getName(), of(v)));
      g.getOutputList().forEach(v -> put(stated, v.getName(), of(v)));
    }
    for (NodeProto n : g.getNodeList()) {
      int[] out = outputs(n, t);
      for (int i = 0; i < n.getOutputCount(); i++) {
        String name = n.getOutput(i);
        if (name.isEmpty()) {
          continue;
        }
        Integer s = stated.get(name);
        put(t, name, s != null ? s : out[i]);
      }
    }
    return t;
  }

  private static void put(Map<String, Integer> m, String name, int type) {
    if (type > 0) {
      m.put(name, type);
    }
  }

  /** Output element types of one node given the types of its inputs (0 where unknown). */
  static int[] outputs(NodeProto n, Map<String, Integer> t) {
    int[] out = new int[n.getOutputCount()];
    Op op = Op.of(n.getOpType());
    int in0 = type(n, 0, t);
    int first = 0;
    for (int i = 0; i < n.getInputCount() && first == 0; i++) {
      first = type(n, i, t);
    }
    int main = in0 != 0 ? in0 : first;
    Arrays.fill(out, main);
    if (!Op.defaultDomain(n.getDomain()) || op == null) {
      return otherDomain(n, t, out);
    }
    switch (op) {
      case CAST -> out[0] = (int) Ops.intAttr(n, "to", 0);
      case CAST_LIKE -> out[0] = type(n, 1, t);
      case CONSTANT -> out[0] = constantType(n);
      case CONSTANT_OF_SHAPE -> {
        AttributeProto v = attr(n, "value");
        out[0] = v == null ? FLOAT : v.getT().getDataType();
      }
      case WHERE -> out[0] = type(n, 1, t);
      case ONE_HOT -> out[0] = type(n, 2, t);
      case LAYER_NORMALIZATION -> {
        for (int i = 1; i < out.length; i++) {
          out[i] = (int) Ops.intAttr(n, "stash_type", FLOAT);
        }
      }
      case DYNAMIC_QUANTIZE_LINEAR -> {
        out[0] = UINT8;
        if (out.length > 1) {
          out[1] = FLOAT;
        }
        if (out.length > 2) {
          out[2] = UINT8;
        }
      }
      case QUANTIZE_LINEAR -> {
        int zp = type(n, 2, t);
        long dt = Ops.intAttr(n, "output_dtype", 0);
        out[0] = dt != 0 ? (int) dt : zp != 0 ? zp : UINT8;
      }
      case DEQUANTIZE_LINEAR -> out[0] = type(n, 1, t) != 0 ? type(n, 1, t) : FLOAT;
      case RANDOM_NORMAL, RANDOM_UNIFORM -> out[0] = (int) Ops.intAttr(n, "dtype", FLOAT);
      case RANDOM_NORMAL_LIKE, RANDOM_UNIFORM_LIKE, EYE_LIKE, BERNOULLI ->
          out[0] = (int) Ops.intAttr(n, "dtype", in0);
      case MULTINOMIAL -> out[0] = (int) Ops.intAttr(n, "dtype", INT32);
      case IF -> subgraphOutputs(n, "then_branch", 0, out);
      case LOOP -> subgraphOutputs(n, "body", 1, out);
      case SCAN -> subgraphOutputs(n, "body", 0, out);
      default -> {
        if (op.has(Op.Trait.INT64_EXTRA_OUTPUTS)) {
          for (int i = 1; i < out.length; i++) {
            out[i] = INT64;
          }
        } else if (op.has(Op.Trait.INT32_OUTPUT)) {
          out[0] = INT32;
        } else if (op.has(Op.Trait.BOOL_OUTPUT)) {
          out[0] = BOOL;
        } else if (op.has(Op.Trait.INT64_OUTPUT)) {
          out[0] = INT64;
        }
      }
    }
    return out;
  }

  /**
   * Outputs of an operator outside the standard set (ONNX Runtime's contrib ops): the type of its
   * first floating-point input, which the ones that take token ids or 8-bit values first compute in
   * ({@code EmbedLayerNormalization}, {@code QAttention}, ...), except an embedding layer's mask
   * index, which is INT32. Without a floating-point input, {@code out} as filled.
   */
  private static int[] otherDomain(NodeProto n, Map<String, Integer> t, int[] out) {
    for (int i = 0; i < n.getInputCount(); i++) {
      int ti = type(n, i, t);
      if (isFloating(ti)) {
        Arrays.fill(out, ti);
        break;
      }
    }
    boolean embedding =
        Op.EMBED_LAYER_NORMALIZATION.is(n.getOpType())
            || Op.Q_EMBED_LAYER_NORMALIZATION.is(n.getOpType());
    if (embedding && out.length > 1) {
      out[1] = INT32;
    }
    return out;
  }

  private static void subgraphOutputs(NodeProto n, String attr, int skip, int[] out) {
    AttributeProto a = attr(n, attr);
    for (int i = 0; i < out.length; i++) {
      out[i] =
          a != null && i + skip < a.getG().getOutputCount() ? of(a.getG().getOutput(i + skip)) : 0;
    }
  }

  private static int constantType(NodeProto n) {
    for (AttributeProto a : n.getAttributeList()) {
      switch (a.getName()) {
        case "value":
          return a.getT().getDataType();
        case "sparse_value":
          return a.getSparseTensor().getValues().getDataType();
        case "value_float", "value_floats":
          return FLOAT;
        case "value_int", "value_ints":
          return INT64;
        case "value_string", "value_strings":
          return STRING;
        default:
          break;
      }
    }
    return 0;
  }

  private static int type(NodeProto n, int i, Map<String, Integer> t) {
    if (i >= n.getInputCount() || n.getInput(i).isEmpty()) {
      return 0;
    }
    return t.getOrDefault(n.getInput(i), 0);
  }

  static AttributeProto attr(NodeProto n, String name) {
    for (AttributeProto a : n.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  /** Whether {@code n} carries a subgraph (If, Loop, Scan). */
  public static boolean hasSubgraph(NodeProto n) {
    return n.getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
  }

  /** Names that subgraphs of {@code g}'s nodes read from the enclosing scope. */
  public static Set<String> implicitReads(GraphProto g) {
    Set<String> out = new HashSet<>();
    for (NodeProto n : g.getNodeList()) {
      for (AttributeProto a : n.getAttributeList()) {
        List<GraphProto> subs = new ArrayList<>(a.getGraphsList());
        if (a.hasG()) {
          subs.add(a.getG());
        }
        for (GraphProto s : subs) {
          out.addAll(outerReads(s));
        }
      }
    }
    return out;
  }

  /** The names subgraph {@code s} (with its own subgraphs) reads from the graphs around it. */
  static Set<String> outerReads(GraphProto s) {
    Set<String> defined = new HashSet<>();
    s.getInputList().forEach(v -> defined.add(v.getName()));
    s.getInitializerList().forEach(i -> defined.add(i.getName()));
    s.getNodeList().forEach(n -> defined.addAll(n.getOutputList()));
    Set<String> reads = new HashSet<>();
    for (NodeProto n : s.getNodeList()) {
      n.getInputList().stream().filter(v -> !v.isEmpty()).forEach(reads::add);
    }
    s.getOutputList().forEach(v -> reads.add(v.getName()));
    reads.addAll(implicitReads(s));
    reads.removeAll(defined);
    return reads;
  }

  /**
   * Structural problems of {@code g}, one line each (empty when there are none): a value read
   * before any definition, a value defined twice, a node whose floating-point inputs and outputs
   * mix types where its operator needs one, a declared value_info or graph output type that
   * disagrees with the propagated one.
   */
  public static List<String> check(GraphProto g) {
    Set<String> problems = new LinkedHashSet<>();
    Set<String> defined = new HashSet<>();
    g.getInputList().forEach(v -> defined.add(v.getName()));
    g.getInitializerList().forEach(i -> defined.add(i.getName()));
    Set<String> outer = implicitReads(g);
    for (NodeProto n : g.getNodeList()) {
      for (String in : n.getInputList()) {
        if (!in.isEmpty() && !defined.contains(in)) {
          problems.add(Ops.label(n) + " reads '" + in + "' before it is defined");
        }
      }
      for (String out : n.getOutputList()) {
        if (!out.isEmpty() && !defined.add(out)) {
          problems.add("'" + out + "' is defined twice (again by " + Ops.label(n) + ")");
        }
      }
    }
    for (String v : outer) {
      if (!defined.contains(v)) {
        problems.add("a subgraph reads '" + v + "', which the graph does not define");
      }
    }
    Map<String, Integer> t = infer(g, false);
    for (NodeProto n : g.getNodeList()) {
      String mix = mixedFloats(n, t);
      if (mix != null) {
        problems.add(Ops.label(n) + " (" + n.getOpType() + ") mixes float types: " + mix);
      }
    }
    for (ValueInfoProto v : g.getValueInfoList()) {
      disagreement("value_info", v, t, problems);
    }
    for (ValueInfoProto v : g.getOutputList()) {
      disagreement("graph output", v, t, problems);
    }
    return List.copyOf(problems);
  }

  private static void disagreement(
      String what, ValueInfoProto v, Map<String, Integer> t, Set<String> problems) {
    int declared = of(v);
    Integer inferred = t.get(v.getName());
    if (declared != 0 && inferred != null && declared != inferred) {
      problems.add(
          what
              + " '"
              + v.getName()
              + "' is declared "
              + name(declared)
              + " but holds "
              + name(inferred));
    }
  }

  private static String mixedFloats(NodeProto n, Map<String, Integer> t) {
    Op op = Op.of(n.getOpType());
    if (!Op.defaultDomain(n.getDomain())
        || op != null && op.has(Op.Trait.MIXED_FLOATS)
        || hasSubgraph(n)) {
      return null;
    }
    Set<Integer> freeIn = op == null ? Set.of() : op.freeFloatInputs();
    Set<Integer> freeOut = op == null ? Set.of() : op.freeFloatOutputs();
    Set<String> seen = new TreeSet<>();
    Set<Integer> types = new HashSet<>();
    for (int i = 0; i < n.getInputCount(); i++) {
      int ty = type(n, i, t);
      if (!freeIn.contains(i) && isFloating(ty)) {
        types.add(ty);
        seen.add(n.getInput(i) + ": " + name(ty));
      }
    }
    for (int i = 0; i < n.getOutputCount(); i++) {
      Integer ty = n.getOutput(i).isEmpty() ? null : t.get(n.getOutput(i));
      if (ty != null && !freeOut.contains(i) && isFloating(ty)) {
        types.add(ty);
        seen.add(n.getOutput(i) + ": " + name(ty));
      }
    }
    return types.size() > 1 ? String.join(", ", seen) : null;
  }

  /** The ONNX name of an element type ({@code FLOAT16}). */
  public static String name(int type) {
    TensorProto.DataType d = TensorProto.DataType.forNumber(type);
    return d == null ? Integer.toString(type) : d.name();
  }
}
