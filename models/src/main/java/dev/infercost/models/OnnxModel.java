package dev.infercost.models;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import dev.infercost.models.internal.ShapeInference;
import dev.infercost.models.internal.SteppedOutputs;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An ONNX model held as its protobuf IR. Load with {@link Models#loadOnnx(Path)}; tensors stored as
 * external data are read into the IR on load, so the value is self-contained and can be saved
 * anywhere with {@link Models#saveOnnx(OnnxModel, Path)}.
 *
 * @param proto the model IR (immutable protobuf message)
 * @param source the file it was read from, if any
 * @param fileBytes bytes on disk of the model file plus its external data files (0 if built in
 *     memory)
 */
public record OnnxModel(ModelProto proto, Optional<Path> source, long fileBytes) {
  public OnnxModel {
    if (proto == null || source == null) {
      throw new IllegalArgumentException("proto and source are required");
    }
  }

  /** A model built in memory (tests, passes). */
  public static OnnxModel of(ModelProto proto) {
    return new OnnxModel(proto, Optional.empty(), 0);
  }

  /** The same provenance with a rewritten IR. */
  public OnnxModel withProto(ModelProto rewritten) {
    return new OnnxModel(rewritten, source, 0);
  }

  /** Facts about the model; {@code shapes} pins input dims (by input name) for the MAC count. */
  public ModelInfo info(Map<String, long[]> shapes) {
    return ModelInfo.of(this, shapes);
  }

  /**
   * Shapes of the graph's values inferred at {@code shapes} (input name → dims): a lookup that
   * gives {@code null} for a value whose shape is unknown.
   */
  public Function<String, long[]> valueShapes(Map<String, long[]> shapes) {
    ShapeInference si = ShapeInference.run(proto.getGraph(), shapes);
    return name -> {
      long[] s = si.shape(name);
      return s == null ? null : s.clone();
    };
  }

  /**
   * The graph outputs computed through a step (a comparison, an index or a rounding) of values the
   * weights feed, each with the first such node ("Equal 'name'"): a small change from compression
   * can move them by a whole jump, so their cosine says little about the model's task.
   */
  public Map<String, String> steppedOutputs() {
    return SteppedOutputs.of(proto.getGraph());
  }

  /**
   * The nodes of the main graph that already compute in 8-bit integers, counted by op type: integer
   * kernels ({@code MatMulInteger}, {@code QLinearConv}, ...), ONNX Runtime's quantized contrib
   * kernels ({@code QAttention}, {@code QGemm}, {@code MatMulNBits}, {@code DynamicQuantizeLSTM},
   * ...; {@link Op.Trait#QUANTIZED}) and {@code DequantizeLinear} nodes reading an 8-bit
   * initializer (weights stored quantized, QDQ form) or a QuantizeLinear's output (fake-quantized,
   * as quantization-aware training exports them). Empty for a float model.
   */
  public Map<String, Integer> quantizedOps() {
    // Values that hold 8-bit integers: stored initializers, then (in graph order) Q outputs.
    Set<String> eightBit = new HashSet<>();
    for (TensorProto t : proto.getGraph().getInitializerList()) {
      if (t.getDataType() == TensorProto.DataType.INT8_VALUE
          || t.getDataType() == TensorProto.DataType.UINT8_VALUE) {
        eightBit.add(t.getName());
      }
    }
    Map<String, Integer> counts = new TreeMap<>();
    for (NodeProto n : proto.getGraph().getNodeList()) {
      Op op = Op.of(n.getOpType());
      if (op == Op.QUANTIZE_LINEAR) {
        eightBit.add(n.getOutput(0));
      }
      boolean kernel = op != null && (op.has(Op.Trait.INTEGER_MACS) || op.has(Op.Trait.QUANTIZED));
      boolean dequantized =
          op == Op.DEQUANTIZE_LINEAR && n.getInputCount() > 0 && eightBit.contains(n.getInput(0));
      if (kernel || dequantized) {
        counts.merge(n.getOpType(), 1, Integer::sum);
      }
    }
    return counts;
  }

  /** Name used in messages: the file, or {@code <memory>}. */
  public String displayName() {
    return source.map(Path::toString).orElse("<memory>");
  }
}
