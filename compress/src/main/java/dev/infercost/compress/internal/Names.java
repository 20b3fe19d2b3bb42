package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import dev.infercost.models.Scopes;
import java.util.HashSet;
import java.util.Set;

/**
 * The one source of new value and node names in a graph: never clashes with an existing name, in
 * the graph or in any If/Loop/Scan body inside it (a new name a body also uses would shadow it).
 */
public final class Names {
  private final Set<String> used;

  public Names(GraphProto g) {
    used = taken(g, new HashSet<>());
  }

  /** Every name {@code g} uses, in every scope, added to {@code into} (which is returned). */
  static Set<String> taken(GraphProto g, Set<String> into) {
    for (GraphProto s : Scopes.of(g)) {
      s.getInputList().forEach(v -> into.add(v.getName()));
      s.getOutputList().forEach(v -> into.add(v.getName()));
      s.getValueInfoList().forEach(v -> into.add(v.getName()));
      s.getInitializerList().forEach(t -> into.add(t.getName()));
      for (NodeProto n : s.getNodeList()) {
        into.add(n.getName());
        into.addAll(n.getOutputList());
      }
    }
    into.remove("");
    return into;
  }

  /** {@code base + suffix}, or with a counter appended if that is taken. */
  public String fresh(String base, String suffix) {
    String name = base + suffix;
    int i = 1;
    while (!used.add(name)) {
      name = base + suffix + "_" + i++;
    }
    return name;
  }
}
