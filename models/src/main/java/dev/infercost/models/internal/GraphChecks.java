package dev.infercost.models.internal;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.models.ModelException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a model file must satisfy before anything reads its graph or weights: an ONNX model at all,
 * every graph (subgraphs of {@code If}/{@code Loop}/{@code Scan} included, at most {@link
 * #MAX_DEPTH} deep) acyclic (sorted by {@link TopoOrder} first) with each value produced once and
 * every output produced, and every tensor's data exactly as long as its shape and element type say.
 * So a declared shape can never make a reader allocate more than the file holds.
 */
final class GraphChecks {
  /** Deepest nesting of subgraphs accepted; real models nest a few levels. */
  static final int MAX_DEPTH = 32;

  /** ONNX's FLOAT4E2M1, newer than the generated classes; it packs like INT4. */
  private static final int FLOAT4E2M1 = 23;

  private final Path file;

  private GraphChecks(Path file) {
    this.file = file;
  }

  /** Refuses {@code proto} when it is no ONNX model or its graphs are malformed. */
  static void model(Path file, ModelProto proto) throws ModelException {
    if (proto.getIrVersion() <= 0 || !proto.hasGraph() || proto.getOpsetImportCount() == 0) {
      throw ModelException.of(
          file, "not an ONNX model (no IR version, graph or opset); pass a .onnx model file");
    }
    if (proto.getGraph().getOutputCount() == 0) {
      throw ModelException.of(file, "ONNX graph has no outputs; re-export the model");
    }
    new GraphChecks(file).graph(proto.getGraph(), Set.of(), 0);
  }

  /**
   * Checks {@code g}, whose nodes may also read {@code outer} (the values of enclosing graphs), and
   * its subgraphs.
   */
  private void graph(GraphProto g, Set<String> outer, int depth) throws ModelException {
    if (depth > MAX_DEPTH) {
      throw ModelException.of(
          file,
          "subgraphs (If/Loop/Scan bodies) are nested more than "
              + MAX_DEPTH
              + " deep; infercost refuses such models");
    }
    String where = depth == 0 ? "" : " in subgraph '" + g.getName() + "'";
    Set<String> known = new HashSet<>(outer);
    Map<String, String> producedBy = new HashMap<>();
    for (ValueInfoProto v : g.getInputList()) {
      known.add(v.getName());
      producedBy.put(v.getName(), "a graph input");
    }
    Set<String> initializers = new HashSet<>();
    for (TensorProto t : g.getInitializerList()) {
      if (!initializers.add(t.getName())) {
        throw ModelException.of(
            file, "initializer '" + t.getName() + "'" + where + " is defined twice; re-export");
      }
      known.add(t.getName());
      producedBy.put(t.getName(), "an initializer");
    }
    // Every value produced once, checked first: a value produced twice also breaks the order.
    for (NodeProto n : g.getNodeList()) {
      for (String out : n.getOutputList()) {
        if (out.isEmpty()) {
          continue;
        }
        String before = producedBy.putIfAbsent(out, label(n, where));
        if (before != null) {
          throw ModelException.of(
              file,
              "value '"
                  + out
                  + "' is produced twice, by "
                  + before
                  + " and by "
                  + label(n, where)
                  + "; the graph is corrupt; re-export the model");
        }
      }
    }
    for (NodeProto n : g.getNodeList()) {
      for (String in : n.getInputList()) {
        if (!in.isEmpty() && !known.contains(in)) {
          // TopoOrder sorted what can be sorted, so an unknown name is corrupt or cyclic.
          throw ModelException.of(
              file,
              label(n, where)
                  + " reads '"
                  + in
                  + "', which nothing produces before it; the graph is corrupt or cyclic;"
                  + " re-export the model");
        }
      }
      for (AttributeProto a : n.getAttributeList()) {
        if (a.hasG()) {
          graph(a.getG(), known, depth + 1);
        }
        for (GraphProto sub : a.getGraphsList()) {
          graph(sub, known, depth + 1);
        }
      }
      n.getOutputList().forEach(known::add);
    }
    for (ValueInfoProto v : g.getOutputList()) {
      if (!known.contains(v.getName())) {
        throw ModelException.of(
            file,
            "graph output '"
                + v.getName()
                + "'"
                + where
                + " is produced by no node, input or initializer; the graph is corrupt");
      }
    }
  }

  private static String label(NodeProto n, String where) {
    return "node '" + n.getName() + "' (" + n.getOpType() + ")" + where;
  }

  /**
   * The bytes {@code t}'s shape and element type call for, after checking the shape: dims not
   * negative, element count and bytes within a {@code long}. -1 for strings (no fixed size).
   */
  static long expectedBytes(Path file, TensorProto t) throws ModelException {
    List<Long> dims = t.getDimsList();
    long count = 1;
    for (long d : dims) {
      if (d < 0) {
        throw ModelException.of(
            file, "tensor '" + t.getName() + "' has negative dim " + d + " in " + dims);
      }
      count = multiply(file, t, count, d);
    }
    int bits = bitsPerElement(t.getDataType());
    if (bits == 0) {
      return -1;
    }
    if (bits < 0) {
      throw ModelException.of(
          file,
          "tensor '"
              + t.getName()
              + "' has element type "
              + t.getDataType()
              + ", which ONNX does not define (or this infercost does not know); re-export it");
    }
    return bits >= 8 ? multiply(file, t, count, bits / 8) : (count * bits + 7) / 8;
  }

  /**
   * Refuses an inline tensor ({@code raw_data} or the typed field) whose data is not exactly as
   * long as its shape and element type say.
   */
  static void inlineData(Path file, TensorProto t) throws ModelException {
    long bytes = expectedBytes(file, t);
    long count = t.getDimsList().stream().reduce(1L, (a, b) -> a * b);
    if (!t.getRawData().isEmpty()) {
      if (bytes >= 0 && t.getRawData().size() != bytes) {
        throw mismatch(file, t, t.getRawData().size() + " bytes of raw data", bytes + " bytes");
      }
      return;
    }
    int type = t.getDataType();
    long held;
    long wanted = count;
    String field;
    DataType d = DataType.forNumber(type);
    switch (d == null ? DataType.INT4 : d) {
      case FLOAT -> {
        held = t.getFloatDataCount();
        field = "float_data";
      }
      case COMPLEX64 -> {
        held = t.getFloatDataCount();
        wanted = 2 * count;
        field = "float_data";
      }
      case DOUBLE -> {
        held = t.getDoubleDataCount();
        field = "double_data";
      }
      case COMPLEX128 -> {
        held = t.getDoubleDataCount();
        wanted = 2 * count;
        field = "double_data";
      }
      case INT64 -> {
        held = t.getInt64DataCount();
        field = "int64_data";
      }
      case UINT32, UINT64 -> {
        held = t.getUint64DataCount();
        field = "uint64_data";
      }
      case STRING -> {
        held = t.getStringDataCount();
        field = "string_data";
      }
      default -> {
        held = t.getInt32DataCount();
        // 4-bit types pack two elements into each int32_data entry.
        wanted = bitsPerElement(type) == 4 ? (count + 1) / 2 : count;
        field = "int32_data";
      }
    }
    if (held != wanted) {
      throw mismatch(file, t, held + " " + field + " values", wanted);
    }
  }

  private static ModelException mismatch(Path file, TensorProto t, String holds, Object needs) {
    return ModelException.of(
        file,
        "tensor '"
            + t.getName()
            + "' of shape "
            + t.getDimsList()
            + " (element type "
            + t.getDataType()
            + ") needs "
            + needs
            + " but holds "
            + holds
            + "; the model is corrupt or truncated; re-export it");
  }

  private static long multiply(Path file, TensorProto t, long a, long b) throws ModelException {
    try {
      return Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      throw ModelException.of(
          file,
          "tensor '"
              + t.getName()
              + "' declares shape "
              + t.getDimsList()
              + ", too large for any machine; the model is corrupt");
    }
  }

  /** Bits per element of an ONNX element type; 0 for strings, -1 for codes ONNX does not define. */
  static int bitsPerElement(int type) {
    if (type == FLOAT4E2M1) {
      return 4;
    }
    DataType d = DataType.forNumber(type);
    if (d == null) {
      return -1;
    }
    return switch (d) {
      case STRING -> 0;
      case UINT8, INT8, BOOL, FLOAT8E4M3FN, FLOAT8E4M3FNUZ, FLOAT8E5M2, FLOAT8E5M2FNUZ -> 8;
      case UINT16, INT16, FLOAT16, BFLOAT16 -> 16;
      case FLOAT, INT32, UINT32 -> 32;
      case DOUBLE, INT64, UINT64, COMPLEX64 -> 64;
      case COMPLEX128 -> 128;
      case UINT4, INT4 -> 4;
      default -> -1;
    };
  }
}
