package dev.infercost.models;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.ArrayList;
import java.util.List;
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
