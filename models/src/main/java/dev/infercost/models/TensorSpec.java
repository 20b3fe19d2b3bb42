package dev.infercost.models;

import dev.infercost.base.Parameter;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Name, element type and dimensions of a model input or output.
 *
 * @param name the value's name in the graph
 * @param dtype element type ({@link DType#OTHER} for non-tensor values)
 * @param dims dimensions as declared; empty for a scalar and for a value whose shape is unknown
 * @param rankKnown whether the model declares the shape (so {@code dims.size()} is the rank, and
 *     empty {@code dims} mean a scalar); false when it declares none, and any rank may be fed
 */
public record TensorSpec(String name, DType dtype, List<Dim> dims, boolean rankKnown) {
  public TensorSpec {
    if (name == null || dtype == null) {
      throw new IllegalArgumentException("name and dtype are required");
    }
    dims = List.copyOf(dims);
    if (!rankKnown && !dims.isEmpty()) {
      throw new IllegalArgumentException("tensor '" + name + "': dims given, but rank unknown");
    }
  }

  /**
   * A spec whose rank is known when {@code dims} is not empty; empty {@code dims} mean the shape is
   * unknown (use {@link #scalar} for a rank-0 value).
   */
  public TensorSpec(String name, DType dtype, List<Dim> dims) {
    this(name, dtype, dims, !dims.isEmpty());
  }

  /** A rank-0 value. */
  public static TensorSpec scalar(String name, DType dtype) {
    return new TensorSpec(name, dtype, List.of(), true);
  }

  /**
   * Checks that every name in {@code names}, the inputs a user gave shapes for, is one of {@code
   * inputs}: a shape for a value the model does not take would be silently ignored.
   *
   * @param model the model's name in the message
   * @throws ModelException naming the first unknown name and the model's inputs, hinting at {@link
   *     Parameter#SHAPES}
   */
  public static void checkShapeNames(
      String model, List<TensorSpec> inputs, Collection<String> names) throws ModelException {
    for (String name : names) {
      if (inputs.stream().noneMatch(i -> i.name().equals(name))) {
        throw new ModelException(
            model
                + ": a shape is given for input '"
                + name
                + "', but the model's inputs are "
                + inputs.stream().map(TensorSpec::name).collect(Collectors.joining(", ")),
            Parameter.SHAPES);
      }
    }
  }

  /** {@code [batch,128]}-style rendering. */
  public String shapeString() {
    return dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"));
  }
}
