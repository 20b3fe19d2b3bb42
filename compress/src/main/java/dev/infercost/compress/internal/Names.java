package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.HashSet;
import java.util.Set;

/** The one source of new value and node names in a graph: never clashes with an existing name. */
public final class Names {
  private final Set<String> used = new HashSet<>();

  public Names(GraphProto g) {
    g.getInputList().forEach(v -> used.add(v.getName()));
    g.getOutputList().forEach(v -> used.add(v.getName()));
    g.getValueInfoList().forEach(v -> used.add(v.getName()));
    g.getInitializerList().forEach(t -> used.add(t.getName()));
    for (NodeProto n : g.getNodeList()) {
      used.add(n.getName());
      used.addAll(n.getOutputList());
    }
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
