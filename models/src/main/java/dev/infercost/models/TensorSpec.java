package dev.infercost.models;

import dev.infercost.base.Parameter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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

  /** The largest dim a given shape may have: more could not be allocated or counted. */
  public static final long MAX_DIM = Integer.MAX_VALUE;

  /**
   * Checks the shapes a user gave for {@code inputs}: each names one of the model's inputs (a shape
   * for a value the model does not take would be silently ignored), has the input's rank where the
   * model declares one, agrees with its fixed dims, and has dims in [1, {@link #MAX_DIM}].
   *
   * @param model the model's name in the message
   * @throws ModelException naming the first bad shape and what the model declares, hinting at
   *     {@link Parameter#SHAPES}
   */
  public static void checkShapes(String model, List<TensorSpec> inputs, Map<String, long[]> given)
      throws ModelException {
    for (var e : given.entrySet()) {
      String name = e.getKey();
      long[] g = e.getValue();
      TensorSpec s =
          inputs.stream()
              .filter(i -> i.name().equals(name))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ModelException(
                          model
                              + ": a shape is given for input '"
                              + name
                              + "', but the model's inputs are "
                              + inputs.stream()
                                  .map(TensorSpec::name)
                                  .collect(Collectors.joining(", ")),
                          Parameter.SHAPES));
      String shape = name + "=" + render(g);
      for (long d : g) {
        if (d < 1 || d > MAX_DIM) {
          throw new ModelException(
              model
                  + ": shape "
                  + shape
                  + " of input '"
                  + name
                  + "' has a dim outside [1, "
                  + MAX_DIM
                  + "]",
              Parameter.SHAPES);
        }
      }
      List<Dim> dims = s.dims();
      if (s.rankKnown() && dims.isEmpty() && g.length != 0) {
        throw new ModelException(
            model
                + ": shape "
                + shape
                + " has "
                + g.length
                + " dims, but input '"
                + name
                + "' is a scalar; give it no shape",
            Parameter.SHAPES);
      }
      if (s.rankKnown() && g.length != dims.size()) {
        throw new ModelException(
            model
                + ": shape "
                + shape
                + " has "
                + g.length
                + " dims, but the input is "
                + s.shapeString()
                + "; give "
                + dims.size()
                + " dims",
            Parameter.SHAPES);
      }
      for (int i = 0; i < dims.size(); i++) {
        if (dims.get(i).isFixed() && dims.get(i).size() != g[i]) {
          throw new ModelException(
              model
                  + ": shape "
                  + shape
                  + " conflicts with the model's "
                  + s.shapeString()
                  + " at dim "
                  + i
                  + "; use "
                  + dims.get(i).size()
                  + " there",
              Parameter.SHAPES);
        }
      }
    }
  }

  private static String render(long[] shape) {
    return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining("x"));
  }

  /**
   * {@code [batch,128]}-style rendering ({@code []} for a scalar); {@code (shape not declared)}
   * when the model declares none, which is not a scalar.
   */
  public String shapeString() {
    return rankKnown
        ? dims.stream().map(Dim::toString).collect(Collectors.joining(",", "[", "]"))
        : "(shape not declared)";
  }
}
