package dev.infercost.models.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Puts a graph's nodes in topological order. ONNX requires it, ONNX Runtime does not, and some
 * tools write graphs out of order (ONNX Runtime's own float16 converter appends the Casts it adds
 * for the graph's inputs after the nodes that read them). A node is placed as early as its inputs
 * allow but never before a node that came before it in the file and is ready too, so a sorted graph
 * keeps its order exactly. A node reads what its subgraphs read from the enclosing graphs too, and
 * each subgraph is ordered the same way. A graph that cannot be ordered (a cycle, a value read that
 * nothing produces, a value produced twice) is left as it is for {@link GraphChecks} to refuse with
 * the node named.
 */
final class TopoOrder {
  private TopoOrder() {}

  /** {@code m} with every graph in topological order; {@code m} itself when all already are. */
  static ModelProto sorted(ModelProto m) {
    GraphProto g = graph(m.getGraph());
    return g == m.getGraph() ? m : m.toBuilder().setGraph(g).build();
  }

  /** {@code g} and its subgraphs in order, or {@code g} itself when nothing moved. */
  private static GraphProto graph(GraphProto g) {
    List<NodeProto> nodes = new ArrayList<>(g.getNodeCount());
    boolean changed = false;
    for (NodeProto n : g.getNodeList()) {
      NodeProto inner = subgraphs(n);
      changed |= inner != n;
      nodes.add(inner);
    }
    List<NodeProto> order = order(nodes);
    if (order != null && !order.equals(nodes)) {
      nodes = order;
      changed = true;
    }
    return changed ? g.toBuilder().clearNode().addAllNode(nodes).build() : g;
  }

  private static NodeProto subgraphs(NodeProto n) {
    NodeProto.Builder b = null;
    for (int i = 0; i < n.getAttributeCount(); i++) {
      AttributeProto a = n.getAttribute(i);
      AttributeProto.Builder ab = null;
      if (a.hasG()) {
        GraphProto s = graph(a.getG());
        if (s != a.getG()) {
          ab = a.toBuilder().setG(s);
        }
      }
      for (int k = 0; k < a.getGraphsCount(); k++) {
        GraphProto s = graph(a.getGraphs(k));
        if (s != a.getGraphs(k)) {
          ab = ab == null ? a.toBuilder() : ab;
          ab.setGraphs(k, s);
        }
      }
      if (ab != null) {
        b = b == null ? n.toBuilder() : b;
        b.setAttribute(i, ab);
      }
    }
    return b == null ? n : b.build();
  }

  /** {@code nodes} in topological order, or {@code null} when there is none. */
  private static List<NodeProto> order(List<NodeProto> nodes) {
    Map<String, Integer> producer = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      for (String out : nodes.get(i).getOutputList()) {
        if (!out.isEmpty() && producer.putIfAbsent(out, i) != null) {
          return null;
        }
      }
    }
    int[] waiting = new int[nodes.size()];
    List<List<Integer>> readers = new ArrayList<>(nodes.size());
    for (int i = 0; i < nodes.size(); i++) {
      readers.add(new ArrayList<>());
    }
    boolean inOrder = true;
    for (int i = 0; i < nodes.size(); i++) {
      Set<Integer> needs = new HashSet<>();
      for (String in : reads(nodes.get(i))) {
        Integer p = producer.get(in);
        if (p != null && p != i && needs.add(p)) {
          readers.get(p).add(i);
          inOrder &= p < i;
        }
      }
      waiting[i] = needs.size();
    }
    if (inOrder) {
      return nodes;
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>();
    for (int i = 0; i < nodes.size(); i++) {
      if (waiting[i] == 0) {
        ready.add(i);
      }
    }
    List<NodeProto> out = new ArrayList<>(nodes.size());
    while (!ready.isEmpty()) {
      int i = ready.poll();
      out.add(nodes.get(i));
      for (int r : readers.get(i)) {
        if (--waiting[r] == 0) {
          ready.add(r);
        }
      }
    }
    return out.size() == nodes.size() ? out : null;
  }

  /** The names {@code n} reads: its inputs and whatever its subgraphs read, nested ones too. */
  private static Set<String> reads(NodeProto n) {
    Set<String> names = new HashSet<>();
    collect(n, names);
    return names;
  }

  private static void collect(NodeProto n, Set<String> names) {
    names.addAll(n.getInputList());
    for (AttributeProto a : n.getAttributeList()) {
      if (a.hasG()) {
        a.getG().getNodeList().forEach(s -> collect(s, names));
      }
      for (GraphProto g : a.getGraphsList()) {
        g.getNodeList().forEach(s -> collect(s, names));
      }
    }
  }
}
