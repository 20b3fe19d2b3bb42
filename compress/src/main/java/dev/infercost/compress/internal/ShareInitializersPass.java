package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import com.google.protobuf.ByteString;
import dev.infercost.compress.Pass;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassResult;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
  private static ByteString content(TensorProto t) {
    return t.toBuilder().clearName().clearDocString().build().toByteString();
  }

  /**
   * {@code tensors} grouped by content, each group in their order; only tensors whose type, shape
   * and size match another's are serialized to compare their data.
   */
  static Collection<List<TensorProto>> identical(List<TensorProto> tensors) {
    Map<List<Object>, List<TensorProto>> alike = new LinkedHashMap<>();
    for (TensorProto t : tensors) {
      alike
          .computeIfAbsent(
              List.of(t.getDataType(), t.getDimsList(), Initializers.bytes(t)),
              k -> new ArrayList<>())
          .add(t);
    }
    List<List<TensorProto>> groups = new ArrayList<>();
    for (List<TensorProto> same : alike.values()) {
      if (same.size() == 1) {
        groups.add(same);
        continue;
      }
      Map<ByteString, List<TensorProto>> byContent = new LinkedHashMap<>();
      same.forEach(t -> byContent.computeIfAbsent(content(t), k -> new ArrayList<>()).add(t));
      groups.addAll(byContent.values());
    }
    return groups;
  }

  /**
   * The names of {@code g}'s initializers that have an identical copy among them: a weight shared
   * between layers that an export wrote out once per reader.
   */
  static Set<String> copies(GraphProto g) {
    Set<String> out = new HashSet<>();
    for (List<TensorProto> same : identical(g.getInitializerList())) {
      if (same.size() > 1) {
        same.forEach(t -> out.add(t.getName()));
      }
    }
    return out;
  }

  @Override
  public PassResult apply(ModelProto model, PassContext context) {
    GraphProto g = model.getGraph();
    Set<String> kept = new HashSet<>(Graphs.pinned(g));
    g.getInputList().forEach(v -> kept.add(v.getName()));
    List<TensorProto> candidates =
        g.getInitializerList().stream()
            .filter(t -> Initializers.bytes(t) >= MIN_BYTES && !kept.contains(t.getName()))
            .toList();
    Map<String, String> replaced = new HashMap<>();
    long saved = 0;
    for (List<TensorProto> same : identical(candidates)) {
      for (TensorProto t : same.subList(1, same.size())) {
        replaced.put(t.getName(), same.get(0).getName());
        saved += Initializers.bytes(t);
      }
    }
    if (replaced.isEmpty()) {
      return new PassResult(name(), model, List.of(), List.of());
    }
    GraphProto.Builder b = Graphs.renameReads(g, replaced).toBuilder().clearInitializer();
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
