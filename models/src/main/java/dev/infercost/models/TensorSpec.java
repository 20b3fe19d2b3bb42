package dev.infercost.models;

import java.util.List;
import java.util.stream.Collectors;

/** Name, element type and dimensions of a model input or output. */
public record TensorSpec(String name, DType dtype, List<Dim> dims) {
  public TensorSpec {
    if (name == null || dtype == null) {
      throw new IllegalArgumentException("name and dtype are required");
    }
    dims = List.copyOf(dims);
  }

  /** {@code [batch,128]}-style rendering. */
  public String shapeString() {
    return dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"));
  }
}
