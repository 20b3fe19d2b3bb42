package dev.infercost.compress.internal;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.compress.PassResult;
import dev.infercost.models.Op;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One folding pass's view of a graph and the edits it collects: what the graph holds, read once
 * (initializers, each value's readers and writer, the values a rewrite must keep, the names in
 * use), and what the pass changes (nodes replaced, dropped or preceded by a new one, initializers
 * added, a label per rewrite), applied in one {@link #result}.
 */
final class GraphEdit {
  final Map<String, TensorProto> init;
  final Map<String, List<NodeProto>> readers;
  final Map<String, NodeProto> producers;
  final Set<String> pinned;
  final Names names;
  final Map<NodeProto, NodeProto> replaced = new IdentityHashMap<>();
  final Map<NodeProto, NodeProto> before = new IdentityHashMap<>();
  final Set<NodeProto> dropped = Collections.newSetFromMap(new IdentityHashMap<>());
  final List<TensorProto> added = new ArrayList<>();
  final List<String> rewritten = new ArrayList<>();

  GraphEdit(GraphProto g) {
    init = Graphs.initializers(g);
    readers = Graphs.readerNodes(g);
    producers = Graphs.producers(g);
    pinned = Graphs.pinned(g);
    names = new Names(g);
  }

  /** {@code model} with the edits applied, or as it is when nothing was rewritten. */
  PassResult result(String pass, ModelProto model) {
    if (rewritten.isEmpty()) {
      return new PassResult(pass, model, List.of(), List.of());
    }
    ModelProto m = Graphs.rebuilt(model, added, dropped, replaced, before);
    return new PassResult(pass, m, rewritten, List.of());
  }

  /** Input {@code i} of {@code n} when it is a finite one-element float initializer, else null. */
  Float scalar(NodeProto n, int i) {
    return Initializers.scalarInput(n, i, init);
  }

  /**
   * The only reader of {@code n}'s output, when {@code n} is in the default domain, its output is
   * not pinned ({@link Graphs#pinned}) and that reader is in the default domain too; else null.
   */
  NodeProto soleReader(NodeProto n) {
    if (!Op.defaultDomain(n.getDomain()) || pinned.contains(n.getOutput(0))) {
      return null;
    }
    List<NodeProto> r = readers.getOrDefault(n.getOutput(0), List.of());
    return r.size() == 1 && Op.defaultDomain(r.get(0).getDomain()) ? r.get(0) : null;
  }

  /**
   * Whether {@code dq} → … → {@code q} can give way to an op on {@code dq}'s integer input: {@code
   * dq} is a per-tensor DequantizeLinear (positive scalar scale, UINT8 or INT8 zero point) of a
   * computed tensor that no earlier match rewrote, {@code q} a QuantizeLinear with a scalar scale,
   * and every reader of {@code q} can read that integer tensor instead ({@link #rescalable}).
   */
  boolean foldable(NodeProto dq, NodeProto q) {
    Float s = scalar(dq, 1);
    return s != null
        && s > 0
        && ZeroPoint.of(dq, init) != null
        && Op.QUANTIZE_LINEAR.is(q.getOpType())
        && Op.defaultDomain(q.getDomain())
        && scalar(q, 1) != null
        && !init.containsKey(dq.getInput(0))
        && !replaced.containsKey(dq)
        && rescalable(q);
  }

  /**
   * Whether every reader of {@code q}'s output is a per-tensor DequantizeLinear at {@code q}'s own
   * zero point, so that each can read an integer tensor that replaces it at another scale.
   */
  boolean rescalable(NodeProto q) {
    List<NodeProto> dqs = readers.getOrDefault(q.getOutput(0), List.of());
    return !dqs.isEmpty()
        && !pinned.contains(q.getOutput(0))
        && dqs.stream().allMatch(r -> readsAtItsZeroPoint(r, q));
  }

  private boolean readsAtItsZeroPoint(NodeProto r, NodeProto q) {
    if (Op.of(r.getOpType()) != Op.DEQUANTIZE_LINEAR
        || !Op.defaultDomain(r.getDomain())
        || r.getInputCount() < 3
        || !r.getInput(0).equals(q.getOutput(0))
        || scalar(r, 1) == null
        || q.getInputCount() < 3) {
      return false;
    }
    TensorProto a = init.get(r.getInput(2));
    TensorProto b = init.get(q.getInput(2));
    return a != null
        && b != null
        && a.getRawData().equals(b.getRawData())
        && a.getDataType() == b.getDataType();
  }

  /**
   * Has every DequantizeLinear reading {@code q}'s output ({@link #rescalable}) read the integer
   * tensor that replaces it at scale {@code s} and zero point {@code zero}, keeping any factor a
   * reader's scale holds over {@code q}'s (a Mul or Div folded into it).
   */
  void readAt(NodeProto q, float s, String zero, String suffix) {
    float s3 = scalar(q, 1);
    for (NodeProto r : readers.getOrDefault(q.getOutput(0), List.of())) {
      float k = scalar(r, 1) / s3;
      String scale = names.fresh(r.getInput(1), suffix);
      added.add(Initializers.ofFloats(scale, new long[0], new float[] {s * k}));
      replaced.put(r, r.toBuilder().setInput(1, scale).setInput(2, zero).build());
    }
  }
}
