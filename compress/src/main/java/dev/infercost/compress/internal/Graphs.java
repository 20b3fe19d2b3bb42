package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Graph queries and clean-up shared by the passes. */
public final class Graphs {
  private Graphs() {}

  public static Map<String, TensorProto> initializers(GraphProto g) {
    Map<String, TensorProto> m = new LinkedHashMap<>();
    g.getInitializerList().forEach(t -> m.put(t.getName(), t));
    return m;
  }

  /** Whether {@code g} has a default-domain node with a weight (MatMul, Gemm, Conv, Gather). */
  public static boolean hasWeighted(GraphProto g) {
    return g.getNodeList().stream()
        .anyMatch(n -> Op.defaultDomain(n.getDomain()) && Ops.weighted(n.getOpType()) != null);
  }

  /**
   * The nodes that read each value, in graph order (a node reading a value twice is listed twice).
   */
  public static Map<String, List<NodeProto>> readerNodes(GraphProto g) {
    Map<String, List<NodeProto>> m = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      n.getInputList().forEach(in -> m.computeIfAbsent(in, k -> new ArrayList<>()).add(n));
    }
    return m;
  }

  /** The node that writes each value. */
  public static Map<String, NodeProto> producers(GraphProto g) {
    Map<String, NodeProto> m = new HashMap<>();
    g.getNodeList().forEach(n -> n.getOutputList().forEach(o -> m.put(o, n)));
    return m;
  }

  /** The names of the graph's outputs. */
  public static Set<String> outputs(GraphProto g) {
    Set<String> out = new HashSet<>();
    g.getOutputList().forEach(o -> out.add(o.getName()));
    return out;
  }

  /**
   * The values a rewrite must keep: the graph's outputs and every name a subgraph (an If, Loop or
   * Scan body) reads, which may be a value of this graph.
   */
  public static Set<String> pinned(GraphProto g) {
    Set<String> out = outputs(g);
    for (NodeProto n : g.getNodeList()) {
      for (var a : n.getAttributeList()) {
        if (a.hasG()) {
          out.addAll(readers(a.getG()).keySet());
        }
        a.getGraphsList().forEach(sub -> out.addAll(readers(sub).keySet()));
      }
    }
    return out;
  }

  /**
   * {@code g} with every node input named by a key of {@code to}, in every scope (If/Loop/Scan
   * bodies too), reading the value it maps to.
   */
  public static GraphProto renameReads(GraphProto g, Map<String, String> to) {
    if (to.isEmpty()) {
      return g;
    }
    GraphProto.Builder b = g.toBuilder();
    for (NodeProto.Builder n : b.getNodeBuilderList()) {
      for (int i = 0; i < n.getInputCount(); i++) {
        n.setInput(i, to.getOrDefault(n.getInput(i), n.getInput(i)));
      }
      for (var a : n.getAttributeBuilderList()) {
        if (a.hasG()) {
          a.setG(renameReads(a.getG(), to));
        }
      }
    }
    return b.build();
  }

  /** How many node inputs (including subgraphs' implicit reads by name) read each value. */
  public static Map<String, Integer> readers(GraphProto g) {
    Map<String, Integer> m = new HashMap<>();
    for (NodeProto n : g.getNodeList()) {
      for (String in : n.getInputList()) {
        m.merge(in, 1, Integer::sum);
      }
      for (var a : n.getAttributeList()) {
        if (a.hasG()) {
          readers(a.getG()).forEach((k, v) -> m.merge(k, v, Integer::sum));
        }
      }
    }
    g.getOutputList().forEach(o -> m.merge(o.getName(), 1, Integer::sum));
    return m;
  }

  /**
   * {@code model} with {@code added} initializers and its nodes in order, less {@code dropped},
   * each replaced by its entry in {@code replaced} and preceded by its entry in {@code before}; the
   * initializers nothing reads any more are dropped. The rewrite step of the folding passes.
   */
  public static ModelProto rebuilt(
      ModelProto model,
      List<TensorProto> added,
      Set<NodeProto> dropped,
      Map<NodeProto, NodeProto> replaced,
      Map<NodeProto, NodeProto> before) {
    GraphProto g = model.getGraph();
    GraphProto.Builder b = g.toBuilder().clearNode().addAllInitializer(added);
    for (NodeProto n : g.getNodeList()) {
      if (dropped.contains(n)) {
        continue;
      }
      if (before.containsKey(n)) {
        b.addNode(before.get(n));
      }
      b.addNode(replaced.getOrDefault(n, n));
    }
    return model.toBuilder().setGraph(dropUnusedInitializers(b.build())).build();
  }

  /** Drops initializers nothing reads (and their entries in the graph's input list). */
  public static GraphProto dropUnusedInitializers(GraphProto g) {
    Map<String, Integer> readers = readers(g);
    Set<String> dropped = new HashSet<>();
    GraphProto.Builder b = g.toBuilder().clearInitializer();
    for (TensorProto t : g.getInitializerList()) {
      if (readers.containsKey(t.getName())) {
        b.addInitializer(t);
      } else {
        dropped.add(t.getName());
      }
    }
    if (!dropped.isEmpty()) {
      b.clearInput();
      g.getInputList().stream().filter(v -> !dropped.contains(v.getName())).forEach(b::addInput);
    }
    return b.build();
  }
}
