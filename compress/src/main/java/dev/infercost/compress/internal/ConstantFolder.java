package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import dev.infercost.base.Interruption;
import dev.infercost.models.Models;
import dev.infercost.models.Op;
import dev.infercost.models.OrtTensors;
import dev.infercost.models.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Constant folding of a model's main graph, evaluated by ONNX Runtime itself: the nodes whose
 * inputs are all initializers (directly or through other such nodes) are put in a small model of
 * their own whose outputs are the values the rest of the graph reads, that model is run once, and
 * the nodes are replaced by those values as initializers. No operator is re-implemented here.
 *
 * <p>A node is folded when it is in ONNX's default domain, is not {@link Op.Trait#NONDETERMINISTIC}
 * (random ops, Dropout), has no subgraph attribute (If, Loop, Scan: left alone with everything
 * inside them), is not a Constant (those still present hold sparse or string values), produces no
 * graph output, and is not a DequantizeLinear of a model in QDQ form (one that quantizes an
 * activation: its stored weights and their fusion into integer kernels stay). Initializers listed
 * as graph inputs are overridable and never count as constant.
 *
 * <p><b>Size bound.</b> A folded value becomes an initializer when it is read at the weight input
 * of a weight-carrying op ({@link Op#weightInput()}: MatMul/Gemm/Conv B, a Gather table), which the
 * passes need as an initializer whatever its size, or when its bytes are at most {@link
 * #TINY_BYTES}, or twice the bytes of the initializers it is computed from, or at most {@link
 * #SMALL_BYTES} and {@link #BLOW_UP} times those bytes. So a Transpose, Reshape, Cast of a float16
 * weight to float32 or Mul by a scalar is folded, while a ConstantOfShape, Expand or Tile that
 * blows a few bytes up into a large tensor stays a node, as does an int8 table behind a
 * DequantizeLinear that feeds anything but a weight input. A value that fails the bound, or is not
 * a numeric tensor (a sequence, strings), keeps its producing node, whose inputs are then folded
 * instead where they pass.
 */
final class ConstantFolder {
  /** Folded values up to this size are always stored (shapes, scalars, short vectors). */
  static final long TINY_BYTES = 4 * 1024;

  /**
   * Folded values up to this size are stored (biases) unless they are more than {@link #BLOW_UP}
   * times the bytes they are computed from.
   */
  static final long SMALL_BYTES = 64 * 1024;

  /**
   * How many times its sources' bytes a value over {@link #TINY_BYTES} may take and still be
   * stored: a ConstantOfShape, Expand or Tile of a few bytes stays a node (BlazeFace's channel
   * padding, 11 zero tensors of up to 64 KiB, made its int8 model larger than the fp32 one).
   */
  static final long BLOW_UP = 16;

  private ConstantFolder() {}

  /**
   * What folding did.
   *
   * @param graph the graph after folding ({@code model}'s own graph when nothing was folded)
   * @param folded labels of the nodes folded away, in graph order
   * @param initializers how many initializers the folded values became
   * @param skipped nodes that read only constants but stay, each with the reason
   */
  record Outcome(GraphProto graph, List<String> folded, int initializers, List<String> skipped) {}

  /** Folds {@code model}'s main graph; never throws for a node ONNX Runtime cannot evaluate. */
  static Outcome fold(ModelProto model) {
    GraphProto g = model.getGraph();
    List<NodeProto> nodes = g.getNodeList();
    Map<String, TensorProto> init = Graphs.initializers(g);
    g.getInputList().forEach(v -> init.remove(v.getName()));
    Set<String> graphOutputs = new HashSet<>();
    g.getOutputList().forEach(v -> graphOutputs.add(v.getName()));
    Set<Integer> pinned = new HashSet<>();
    List<String> skipped = new ArrayList<>();
    // A model that quantizes an activation is in QDQ form: folded into float, its stored weights
    // would be quantized a second time and its readers would no longer fuse into integer kernels.
    // Weights dequantized for float ops alone (weight-only int8, fake-quantized weights) fold, to
    // be quantized again.
    boolean qdq =
        nodes.stream()
            .anyMatch(
                n -> Op.QUANTIZE_LINEAR.is(n.getOpType()) && !init.containsKey(n.getInput(0)));
    boolean first = true;
    while (true) {
      // The foldable nodes, in graph (topological) order, and who produces each of their values.
      Set<String> known = new HashSet<>(init.keySet());
      Map<String, Integer> producer = new LinkedHashMap<>();
      List<Integer> fold = new ArrayList<>();
      for (int i = 0; i < nodes.size(); i++) {
        NodeProto n = nodes.get(i);
        if (pinned.contains(i)
            || !n.getInputList().stream().allMatch(s -> s.isEmpty() || known.contains(s))) {
          continue;
        }
        String why = unfoldable(n, graphOutputs, qdq);
        if (why != null) {
          // A Constant still here holds a sparse or string value; the pass has said so already.
          if (first && !Op.CONSTANT.is(n.getOpType())) {
            skipped.add(Ops.label(n) + ": reads only constants but " + why + "; not folded");
          }
          continue;
        }
        fold.add(i);
        for (String out : n.getOutputList()) {
          if (!out.isEmpty()) {
            known.add(out);
            producer.put(out, i);
          }
        }
      }
      first = false;
      if (fold.isEmpty()) {
        return new Outcome(g, List.of(), 0, skipped);
      }
      Map<String, Boolean> frontier = frontier(nodes, new HashSet<>(fold), producer);
      Map<String, TensorProto> values;
      try {
        values = evaluate(model, nodes, fold, init, frontier.keySet());
      } catch (OrtException e) {
        skipped.add(
            fold.size()
                + " constant-only nodes: ONNX Runtime could not evaluate them ("
                + e.getMessage().lines().findFirst().orElse("")
                + "); not folded");
        return new Outcome(g, List.of(), 0, skipped);
      }
      Set<Integer> rejected = new HashSet<>();
      for (Map.Entry<String, Boolean> e : frontier.entrySet()) {
        String name = e.getKey();
        TensorProto t = values.get(name);
        NodeProto n = nodes.get(producer.get(name));
        String why = null;
        if (t == null) {
          why = "its value " + name + " is not a numeric tensor";
        } else if (!e.getValue()) {
          long from = sourceBytes(name, nodes, producer, init);
          long bytes = Initializers.bytes(t);
          if (bytes > Math.max(TINY_BYTES, 2 * from)
              && (bytes > SMALL_BYTES || bytes > BLOW_UP * from)) {
            // One wording for every such node, so that reports count them under one reason.
            why =
                "its value would be a large tensor computed from far fewer bytes of constants"
                    + " (stored only up to twice their bytes, or 16 times up to 64 KiB), and no"
                    + " weight input reads it";
          }
        }
        if (why != null && rejected.add(producer.get(name))) {
          skipped.add(Ops.label(n) + ": " + why + "; not folded");
        }
      }
      if (rejected.isEmpty()) {
        return replace(g, nodes, fold, frontier.keySet(), values, skipped);
      }
      pinned.addAll(rejected);
    }
  }

  /** Why node {@code n} may not be folded, or {@code null}. */
  private static String unfoldable(NodeProto n, Set<String> graphOutputs, boolean qdq) {
    Op op = Op.of(n.getOpType());
    if (!Op.defaultDomain(n.getDomain())) {
      return "is in domain " + n.getDomain();
    }
    if (Op.CONSTANT.is(n.getOpType())) {
      return "holds a sparse or string value";
    }
    if (op != null && op.has(Op.Trait.NONDETERMINISTIC)) {
      return "is not deterministic";
    }
    if (qdq && op == Op.DEQUANTIZE_LINEAR) {
      return "is a DequantizeLinear of a model in QDQ form (activations are quantized)";
    }
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasG() || a.getGraphsCount() > 0) {
        return "has subgraphs";
      }
    }
    for (String out : n.getOutputList()) {
      if (graphOutputs.contains(out)) {
        return "produces the graph output " + out;
      }
    }
    return null;
  }

  /**
   * The folded values that nodes staying in the graph read (subgraphs included), each with whether
   * some reader takes it at a weight input.
   */
  private static Map<String, Boolean> frontier(
      List<NodeProto> nodes, Set<Integer> fold, Map<String, Integer> producer) {
    Map<String, Boolean> frontier = new LinkedHashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (fold.contains(i)) {
        continue;
      }
      NodeProto n = nodes.get(i);
      Op weighted = Ops.weighted(n.getOpType());
      for (int j = 0; j < n.getInputCount(); j++) {
        if (producer.containsKey(n.getInput(j))) {
          boolean weight = weighted != null && weighted.weightInput() == j;
          frontier.merge(n.getInput(j), weight, Boolean::logicalOr);
        }
      }
      for (AttributeProto a : n.getAttributeList()) {
        List<GraphProto> subs = new ArrayList<>(a.getGraphsList());
        if (a.hasG()) {
          subs.add(a.getG());
        }
        for (GraphProto sub : subs) {
          for (String read : Graphs.readers(sub).keySet()) {
            if (producer.containsKey(read)) {
              frontier.merge(read, false, Boolean::logicalOr);
            }
          }
        }
      }
    }
    return frontier;
  }

  /** Bytes of the initializers {@code value} is computed from. */
  private static long sourceBytes(
      String value,
      List<NodeProto> nodes,
      Map<String, Integer> producer,
      Map<String, TensorProto> init) {
    long bytes = 0;
    Set<String> seen = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(value));
    while (!todo.isEmpty()) {
      String v = todo.pop();
      if (!seen.add(v)) {
        continue;
      }
      if (init.containsKey(v)) {
        bytes += Initializers.bytes(init.get(v));
      } else if (producer.containsKey(v)) {
        nodes.get(producer.get(v)).getInputList().stream()
            .filter(s -> !s.isEmpty())
            .forEach(todo::push);
      }
    }
    return bytes;
  }

  /**
   * Runs the nodes {@code fold} of {@code nodes} once in ONNX Runtime, in a model of their own with
   * the initializers they read and {@code wanted} as outputs; returns each output that is a numeric
   * tensor.
   */
  private static Map<String, TensorProto> evaluate(
      ModelProto model,
      List<NodeProto> nodes,
      List<Integer> fold,
      Map<String, TensorProto> init,
      Set<String> wanted)
      throws OrtException {
    GraphProto.Builder g = GraphProto.newBuilder().setName("infercost_constant_folding");
    Set<String> added = new HashSet<>();
    for (int i : fold) {
      for (String in : nodes.get(i).getInputList()) {
        if (init.containsKey(in) && added.add(in)) {
          g.addInitializer(init.get(in));
        }
      }
      g.addNode(nodes.get(i));
    }
    // No types on the outputs: ONNX Runtime infers them from the nodes.
    wanted.forEach(w -> g.addOutput(ValueInfoProto.newBuilder().setName(w)));
    ModelProto m =
        ModelProto.newBuilder()
            .setIrVersion(Math.max(4, model.getIrVersion()))
            .addAllOpsetImport(model.getOpsetImportList())
            .setGraph(g)
            .build();
    Map<String, TensorProto> out = new HashMap<>();
    if (wanted.isEmpty()) {
      return out; // only dead nodes: nothing to run
    }
    try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        OrtSession s = Models.createSession(m.toByteArray(), o);
        Interruption.Section n = Interruption.enter();
        OrtSession.Result r = s.run(Map.of())) {
      for (Map.Entry<String, OnnxValue> e : r) {
        if (e.getValue() instanceof OnnxTensor t) {
          TensorProto p = toProto(e.getKey(), t);
          if (p != null) {
            out.put(e.getKey(), p);
          }
        }
      }
    }
    return out;
  }

  /** An ONNX Runtime tensor as an initializer, or {@code null} for strings and unknown types. */
  private static TensorProto toProto(String name, OnnxTensor t) {
    Tensor v;
    try {
      v = OrtTensors.fromOrt(name, t);
    } catch (IllegalArgumentException e) {
      return null; // strings, unsigned 16-64 bit, float8: left to their nodes
    }
    TensorProto.Builder b =
        TensorProto.newBuilder().setName(name).setDataType(v.dtype().onnx().getNumber());
    for (long d : v.shape()) {
      b.addDims(d);
    }
    return b.setRawData(ByteString.copyFrom(v.data())).build();
  }

  /**
   * {@code g} without the nodes {@code fold}, with {@code wanted} as initializers, and without the
   * initializers only those nodes read.
   */
  private static Outcome replace(
      GraphProto g,
      List<NodeProto> nodes,
      List<Integer> fold,
      Set<String> wanted,
      Map<String, TensorProto> values,
      List<String> skipped) {
    Set<Integer> gone = new HashSet<>(fold);
    Set<String> readByFolded = new HashSet<>();
    Set<String> produced = new HashSet<>();
    List<String> folded = new ArrayList<>();
    GraphProto.Builder b = g.toBuilder().clearNode();
    for (int i = 0; i < nodes.size(); i++) {
      NodeProto n = nodes.get(i);
      if (gone.contains(i)) {
        readByFolded.addAll(n.getInputList());
        produced.addAll(n.getOutputList());
        folded.add(Ops.label(n));
      } else {
        b.addNode(n);
      }
    }
    Set<String> stillRead = Graphs.readers(b.build()).keySet();
    b.clearInitializer();
    for (TensorProto t : g.getInitializerList()) {
      if (!readByFolded.contains(t.getName()) || stillRead.contains(t.getName())) {
        b.addInitializer(t);
      }
    }
    wanted.forEach(w -> b.addInitializer(values.get(w)));
    // Shapes recorded for values that are now initializers or gone: the tensors say it all.
    b.clearValueInfo();
    g.getValueInfoList().stream()
        .filter(v -> !produced.contains(v.getName()))
        .forEach(b::addValueInfo);
    return new Outcome(b.build(), folded, wanted.size(), skipped);
  }
}
