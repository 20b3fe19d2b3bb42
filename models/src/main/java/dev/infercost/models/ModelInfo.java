package dev.infercost.models;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import dev.infercost.models.internal.ShapeInference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Facts about an ONNX model: interface, opset, producer, operator histogram, parameters, and a
 * multiply-accumulate count for MatMul/Gemm/Conv at given input shapes. Its maps iterate in key
 * order, so tables and JSON list them the same way on every run.
 *
 * @param file where the model came from ({@code <memory>} if built in memory)
 * @param fileBytes bytes on disk, external data included
 * @param irVersion ONNX IR version
 * @param opset version of the default ({@code ai.onnx}) operator set
 * @param producer producer name and version as written by the exporter
 * @param inputs graph inputs that are not initializers
 * @param outputs graph outputs
 * @param nodes node count, subgraphs (If branches, Loop bodies) included
 * @param ops operator histogram, op type → count, subgraphs included
 * @param initializers initializer count, subgraphs included
 * @param parameters total elements across initializers
 * @param parameterBytes bytes of initializer data
 * @param byDtype per element type: initializer count, elements and bytes
 * @param constants the tensors of Constant nodes (in every scope): count, elements and bytes; not
 *     in {@code parameters}, since most exporters write only shapes and scalars so, while some
 *     (spox, onnxscript) write their weights so
 * @param shapesUsed concrete input shapes the MAC count used
 * @param macs multiply-accumulates of MatMul/Gemm/Conv-family nodes, or {@code null} when some such
 *     node's shape could not be inferred (see {@code unknownMacNodes})
 * @param macsByOp MACs per op type over the nodes whose shapes are known
 * @param unknownMacNodes MatMul/Gemm/Conv-family nodes whose shapes could not be inferred
 * @param branchMacNodes MatMul/Gemm/Conv-family nodes inside If/Loop/Scan subgraphs, whose MACs per
 *     inference depend on the inputs (which branch runs, how many iterations); {@code macs} is
 *     {@code null} when there are any
 * @param int8Macs MACs, over the nodes whose shapes are known, of nodes that multiply in int8:
 *     integer ops ({@code MatMulInteger}, {@code QLinearMatMul}, ...) and MatMul/Gemm/Conv whose
 *     two operands both come from {@code DequantizeLinear} (QDQ form, which int8 engines fuse)
 * @param functionCalls calls of the model's local functions ({@code domain::name} → calls), which
 *     every other figure counts expanded into their bodies ({@link LocalFunctions}), as ONNX
 *     Runtime runs them
 */
public record ModelInfo(
    String file,
    long fileBytes,
    long irVersion,
    long opset,
    String producer,
    List<TensorSpec> inputs,
    List<TensorSpec> outputs,
    int nodes,
    Map<String, Integer> ops,
    int initializers,
    long parameters,
    long parameterBytes,
    Map<String, DTypeStats> byDtype,
    DTypeStats constants,
    Map<String, List<Long>> shapesUsed,
    Long macs,
    Map<String, Long> macsByOp,
    List<String> unknownMacNodes,
    List<String> branchMacNodes,
    long int8Macs,
    Map<String, Integer> functionCalls) {

  /** Initializer totals for one element type. */
  public record DTypeStats(int tensors, long elements, long bytes) {}

  public ModelInfo {
    inputs = List.copyOf(inputs);
    outputs = List.copyOf(outputs);
    ops = sorted(ops);
    byDtype = sorted(byDtype);
    Map<String, List<Long>> shapes = new TreeMap<>();
    shapesUsed.forEach((k, v) -> shapes.put(k, List.copyOf(v)));
    shapesUsed = sorted(shapes);
    macsByOp = sorted(macsByOp);
    unknownMacNodes = List.copyOf(unknownMacNodes);
    branchMacNodes = List.copyOf(branchMacNodes);
    functionCalls = sorted(functionCalls);
  }

  /**
   * An unmodifiable copy that iterates in key order, so tables and JSON list entries the same way
   * on every run. Like {@link Map#copyOf}, refuses null keys and values.
   */
  private static <V> Map<String, V> sorted(Map<String, V> m) {
    Map<String, V> copy = new TreeMap<>();
    m.forEach((k, v) -> copy.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
    return Collections.unmodifiableMap(copy);
  }

  /** FLOPs as 2 × MACs, or {@code null} when the MAC count is unknown. */
  public Long flops() {
    return macs == null ? null : 2 * macs;
  }

  static ModelInfo of(OnnxModel model, Map<String, long[]> shapes) {
    LocalFunctions.Expanded expanded = LocalFunctions.expand(model.proto());
    ModelProto p = expanded.model();
    GraphProto g = p.getGraph();
    long opset =
        p.getOpsetImportList().stream()
            .filter(o -> Op.defaultDomain(o.getDomain()))
            .mapToLong(OperatorSetIdProto::getVersion)
            .findFirst()
            .orElse(0);
    Set<String> initNames = new HashSet<>();
    Map<String, long[]> agg = new TreeMap<>();
    long params = 0;
    long bytes = 0;
    List<GraphProto> scopes = Scopes.of(g);
    List<TensorProto> tensors =
        scopes.stream().flatMap(sub -> sub.getInitializerList().stream()).toList();
    g.getInitializerList().forEach(t -> initNames.add(t.getName()));
    for (TensorProto t : tensors) {
      long n = elements(t);
      long b = bytes(t);
      params += n;
      bytes += b;
      long[] a = agg.computeIfAbsent(DType.fromOnnx(t.getDataType()).label(), k -> new long[3]);
      a[0]++;
      a[1] += n;
      a[2] += b;
    }
    Map<String, DTypeStats> byDtype = new TreeMap<>();
    agg.forEach((k, a) -> byDtype.put(k, new DTypeStats((int) a[0], a[1], a[2])));

    List<TensorSpec> inputs = new ArrayList<>();
    for (ValueInfoProto v : g.getInputList()) {
      if (!initNames.contains(v.getName())) {
        inputs.add(Models.spec(v));
      }
    }
    List<TensorSpec> outputs = g.getOutputList().stream().map(Models::spec).toList();

    Map<String, Integer> ops = new TreeMap<>();
    List<String> branchMacs = new ArrayList<>();
    // Constant nodes' tensors: weights, for exporters that write them so (spox, onnxscript).
    int constantTensors = 0;
    long constantElements = 0;
    long constantBytes = 0;
    for (GraphProto sub : scopes) {
      for (NodeProto n : sub.getNodeList()) {
        ops.merge(n.getOpType(), 1, Integer::sum);
        if (sub != g && isMacOp(Op.of(n.getOpType()))) {
          branchMacs.add(n.getName().isEmpty() ? n.getOpType() : n.getName());
        }
        if (Op.CONSTANT.is(n.getOpType()) && Op.defaultDomain(n.getDomain())) {
          for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("value") && a.hasT()) {
              constantTensors++;
              constantElements += elements(a.getT());
              constantBytes += bytes(a.getT());
            }
          }
        }
      }
    }

    Map<String, long[]> pinned = new LinkedHashMap<>();
    for (TensorSpec in : inputs) {
      long[] s = shapes.get(in.name());
      if (s == null && in.rankKnown() && in.dims().stream().allMatch(Dim::isFixed)) {
        s = in.dims().stream().mapToLong(Dim::size).toArray();
      }
      if (s != null) {
        pinned.put(in.name(), s);
      }
    }
    ShapeInference si = ShapeInference.run(g, pinned);
    Map<String, Long> macsByOp = new TreeMap<>();
    List<String> unknown = new ArrayList<>();
    Set<String> dequantized = new HashSet<>();
    long int8Macs = 0;
    for (NodeProto n : g.getNodeList()) {
      if (Op.DEQUANTIZE_LINEAR.is(n.getOpType())) {
        dequantized.add(n.getOutput(0));
      }
      Long m = macs(n, si);
      if (m == null) {
        if (isMacOp(Op.of(n.getOpType()))) {
          unknown.add(n.getName().isEmpty() ? n.getOpType() : n.getName());
        }
      } else {
        macsByOp.merge(n.getOpType(), m, Long::sum);
        boolean integer = Op.of(n.getOpType()).has(Op.Trait.INTEGER_MACS);
        boolean qdq =
            n.getInputCount() > 1
                && dequantized.contains(n.getInput(0))
                && dequantized.contains(n.getInput(1));
        if (integer || qdq) {
          int8Macs += m;
        }
      }
    }
    Long total =
        unknown.isEmpty() && branchMacs.isEmpty()
            ? macsByOp.values().stream().mapToLong(Long::longValue).sum()
            : null;
    Map<String, List<Long>> used = new TreeMap<>();
    pinned.forEach((k, v) -> used.put(k, Arrays.stream(v).boxed().toList()));
    String producer = (p.getProducerName() + " " + p.getProducerVersion()).trim();
    return new ModelInfo(
        model.displayName(),
        model.fileBytes(),
        p.getIrVersion(),
        opset,
        producer,
        inputs,
        outputs,
        scopes.stream().mapToInt(GraphProto::getNodeCount).sum(),
        ops,
        tensors.size(),
        params,
        bytes,
        byDtype,
        new DTypeStats(constantTensors, constantElements, constantBytes),
        used,
        total,
        macsByOp,
        unknown,
        branchMacs,
        int8Macs,
        expanded.calls());
  }

  private static long elements(TensorProto t) {
    return t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, Math::multiplyExact);
  }

  private static long bytes(TensorProto t) {
    return t.hasRawData() && !t.getRawData().isEmpty()
        ? t.getRawData().size()
        : elements(t) * DType.fromOnnx(t.getDataType()).bytes();
  }

  private static boolean isMacOp(Op op) {
    return op != null && op.has(Op.Trait.MACS);
  }

  /**
   * MACs of one node, or {@code null} when it is no MAC op, its shapes are unknown, or they do not
   * fit the op (a node missing operands, a scalar operand, a count past {@code Long.MAX_VALUE}).
   */
  private static Long macs(NodeProto n, ShapeInference si) {
    Op op = Op.of(n.getOpType());
    if (!isMacOp(op) || n.getInputCount() <= op.rhsInput() || n.getOutputCount() == 0) {
      return null;
    }
    long[] a = si.shape(n.getInput(0));
    long[] b = si.shape(n.getInput(op.rhsInput()));
    long[] y = si.shape(n.getOutput(0));
    if (a == null || b == null || y == null || a.length == 0) {
      return null;
    }
    try {
      if (op.shapeRule() == Op.ShapeRule.CONV) {
        // Each output element takes (C_in / group) × kernel MACs; W is [C_out, C_in/group, k...].
        long perOutput = 1;
        for (int i = 1; i < b.length; i++) {
          perOutput = Math.multiplyExact(perOutput, b[i]);
        }
        return Math.multiplyExact(product(y), perOutput);
      }
      if (op == Op.ATTENTION || op == Op.Q_ATTENTION) {
        // The Q/K/V projection, then Q·Kᵀ and the weighted sum of V over the sequence.
        if (a.length != 3 || b.length != 2 || y.length != 3) {
          return null;
        }
        long tokens = Math.multiplyExact(a[0], a[1]);
        long projection = Math.multiplyExact(Math.multiplyExact(tokens, a[2]), b[1]);
        long scores = Math.multiplyExact(Math.multiplyExact(2 * tokens, a[1]), y[2]);
        return Math.addExact(projection, scores);
      }
      if (op == Op.GEMM) {
        if (a.length != 2) {
          return null;
        }
        long k = attrInt(n, "transA") == 1 ? a[0] : a[1];
        return Math.multiplyExact(product(y), k);
      }
      return Math.multiplyExact(product(y), a[a.length - 1]);
    } catch (ArithmeticException e) {
      return null;
    }
  }

  private static long attrInt(NodeProto n, String name) {
    return n.getAttributeList().stream()
        .filter(a -> a.getName().equals(name))
        .mapToLong(a -> a.getI())
        .findFirst()
        .orElse(0);
  }

  private static long product(long[] s) {
    long p = 1;
    for (long d : s) {
      p = Math.multiplyExact(p, d);
    }
    return p;
  }
}
