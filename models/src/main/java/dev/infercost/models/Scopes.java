package dev.infercost.models;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The scopes of an ONNX graph: the graph itself and the bodies of its If, Loop and Scan nodes (If
 * branches, Loop and Scan bodies), nested to any depth, in graph order.
 */
public final class Scopes {
  private Scopes() {}

  /** {@code g} first, then every body inside it, depth first. */
  public static List<GraphProto> of(GraphProto g) {
    List<GraphProto> out = new ArrayList<>();
    add(g, out);
    return out;
  }

  /** Every body inside {@code g} (not {@code g} itself), depth first. */
  public static List<GraphProto> bodies(GraphProto g) {
    List<GraphProto> all = of(g);
    return all.subList(1, all.size());
  }

  /** Every node of every scope of {@code g}. */
  public static Stream<NodeProto> nodes(GraphProto g) {
    return of(g).stream().flatMap(s -> s.getNodeList().stream());
  }

  /**
   * Every name {@code g} defines, in every scope: inputs, outputs, value infos, initializers, node
   * names and the values nodes write (the empty name left out). What a new name must avoid; a
   * body's own names, without those it reads from around it. A new set the caller may change.
   */
  public static Set<String> names(GraphProto g) {
    Set<String> out = new HashSet<>();
    for (GraphProto s : of(g)) {
      s.getInputList().forEach(v -> out.add(v.getName()));
      s.getOutputList().forEach(v -> out.add(v.getName()));
      s.getValueInfoList().forEach(v -> out.add(v.getName()));
      s.getInitializerList().forEach(t -> out.add(t.getName()));
      for (NodeProto n : s.getNodeList()) {
        out.add(n.getName());
        out.addAll(n.getOutputList());
      }
    }
    out.remove("");
    return out;
  }

  private static void add(GraphProto g, List<GraphProto> out) {
    out.add(g);
    for (NodeProto n : g.getNodeList()) {
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          add(a.getG(), out);
        }
        a.getGraphsList().forEach(sub -> add(sub, out));
      }
    }
  }
}
