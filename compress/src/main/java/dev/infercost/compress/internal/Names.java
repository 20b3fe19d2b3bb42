package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import dev.infercost.models.Scopes;
import java.util.Set;

/**
 * The one source of new value and node names in a graph: never clashes with an existing name, in
 * the graph or in any If/Loop/Scan body inside it (a new name a body also uses would shadow it).
 */
public final class Names {
  private final Set<String> used;

  public Names(GraphProto g) {
    used = Scopes.names(g);
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
