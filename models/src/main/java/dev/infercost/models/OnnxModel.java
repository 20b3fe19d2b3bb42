package dev.infercost.models;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.infercost.models.internal.ShapeInference;
import dev.infercost.models.internal.SteppedOutputs;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
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

  /** Name used in messages: the file, or {@code <memory>}. */
  public String displayName() {
    return source.map(Path::toString).orElse("<memory>");
  }
}
