package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Stores a weight once that the rewrite left in several identical copies: every initializer of at
 * least {@link #MIN_BYTES} whose type, shape and data equal an earlier one's is dropped, and the
 * nodes read the earlier one instead. A model that shares one weight between layers (ALBERT's
 * layers, a tied embedding; PyTorch exports the sharing as Identity nodes, which constant folding
 * turns into copies) otherwise comes out with one quantized copy per reader, and can end larger
 * than the input. Values a subgraph reads, graph inputs (an overridable initializer) and outputs
 * keep their names; small tensors (scales, zero points) are left alone, as they cost nothing.
 */
public final class ShareInitializersPass implements Pass {
  /** Smallest tensor worth sharing: below it a copy costs less than the name it repeats. */
  static final int MIN_BYTES = 1024;

  @Override
  public String name() {
    return "share-initializers";
  }

  @Override
  public boolean idempotent() {
    return true;
  }

  /** What makes two initializers interchangeable: type, shape and data, not the name. */
  static ByteString content(TensorProto t) {
    return t.toBuilder().clearName().clearDocString().build().toByteString();
  }

  /**
   * Whether {@code t} is one of several identical copies among {@code g}'s initializers: a weight
   * shared between layers that an export wrote out once per reader.
   */
  static boolean copied(TensorProto t, GraphProto g) {
    ByteString c = content(t);
    return g.getInitializerList().stream()
        .anyMatch(
            o ->
                !o.getName().equals(t.getName())
                    && o.getRawData().size() == t.getRawData().size()
                    && content(o).equals(c));
  }

  @Override
  public PassResult apply(ModelProto model, PassContext context) {
    GraphProto g = model.getGraph();
    Set<String> kept = new HashSet<>(Graphs.pinned(g));
    g.getInputList().forEach(v -> kept.add(v.getName()));
    Map<ByteString, String> first = new HashMap<>();
    Map<String, String> replaced = new HashMap<>();
    long saved = 0;
    for (TensorProto t : g.getInitializerList()) {
      if (Initializers.bytes(t) < MIN_BYTES || kept.contains(t.getName())) {
        continue;
      }
      String earlier = first.putIfAbsent(content(t), t.getName());
      if (earlier != null) {
        replaced.put(t.getName(), earlier);
        saved += Initializers.bytes(t);
      }
    }
    if (replaced.isEmpty()) {
      return new PassResult(name(), model, List.of(), List.of());
    }
    GraphProto.Builder b = g.toBuilder().clearNode().clearInitializer();
    for (NodeProto n : g.getNodeList()) {
      NodeProto.Builder nb = n.toBuilder();
      for (int i = 0; i < n.getInputCount(); i++) {
        nb.setInput(i, replaced.getOrDefault(n.getInput(i), n.getInput(i)));
      }
      b.addNode(nb);
    }
    g.getInitializerList().stream()
        .filter(t -> !replaced.containsKey(t.getName()))
        .forEach(b::addInitializer);
    String note =
        String.format(
            Locale.ROOT,
            "%d identical %s stored once (%d bytes saved)",
            replaced.size(),
            replaced.size() == 1 ? "initializer" : "initializers",
            saved);
    return new PassResult(
        name(), model.toBuilder().setGraph(b.build()).build(), List.of(), List.of(), List.of(note));
  }
}
