package dev.infercost.models;

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

  /** {@code [batch,128]}-style rendering. */
  public String shapeString() {
    return dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"));
  }
}
