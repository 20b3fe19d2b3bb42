package dev.infercost.models;

import java.util.List;
import java.util.Locale;

/**
 * What to zero in the weights of MatMul/Gemm/Conv layers (ONNX) or Linear/Conv parameters
 * (TorchScript): a fraction {@code sparsity} in [0, 1) of the weights, in a {@link Pattern}, chosen
 * by an {@link Importance}, per layer or over the whole model ({@link Scope}).
 *
 * <pre>{@code
 * SparsityOptions.builder(0.5).optImportance(Importance.ACTIVATION).build();
 * SparsityOptions.twoFour();
 * }</pre>
 *
 * @param sparsity the fraction of weights to zero, in [0, 1); 0.5 exactly for {@link
 *     Pattern#TWO_FOUR}
 * @param pattern where the zeros may fall
 * @param importance how weights are ranked (the smallest are zeroed)
 * @param scope whether the fraction holds per layer or over all layers together
 * @param exclude layers left dense: ONNX node names, op types or {@code re:REGEX} (as {@code
 *     NodeFilter}); TorchScript parameter names or {@code re:REGEX}
 */
public record SparsityOptions(
    double sparsity, Pattern pattern, Importance importance, Scope scope, List<String> exclude) {

  /** Where the zeros may fall. */
  public enum Pattern {
    /** Anywhere: the smallest {@code sparsity} fraction of the weights. */
    UNSTRUCTURED("unstructured"),
    /**
     * In every group of 4 consecutive weights along the input (reduction) dimension, the 2
     * smallest: the layout NVIDIA's sparse tensor cores (Ampere and later) read.
     */
    TWO_FOUR("2:4");

    private final String spelling;

    Pattern(String spelling) {
      this.spelling = spelling;
    }

    /** How reports and the command line spell it: {@code unstructured} or {@code 2:4}. */
    public String spelling() {
      return spelling;
    }

    /** The pattern spelled {@code s}; {@link IllegalArgumentException} names the choices. */
    public static Pattern parse(String s) {
      for (Pattern p : values()) {
        if (p.spelling.equals(s.trim().toLowerCase(Locale.ROOT))) {
          return p;
        }
      }
      throw new IllegalArgumentException(
          "sparsity pattern '" + s + "' is unknown; expected one of unstructured, 2:4");
    }
  }

  /** How weights are ranked. */
  public enum Importance {
    /** |w|. */
    MAGNITUDE,
    /**
     * |w| × the L2 norm of the input feature it multiplies, over the calibration data (Wanda, Sun
     * et al., 2023): a small weight on a large activation is kept. Needs calibration batches.
     */
    ACTIVATION
  }

  /** Whether the fraction holds in each layer or over all of them. */
  public enum Scope {
    /** Every layer gets {@code sparsity}. */
    LAYER,
    /** One threshold over all layers: layers with smaller scores lose more. */
    GLOBAL
  }

  public SparsityOptions {
    if (!(sparsity >= 0 && sparsity < 1)) {
      throw new IllegalArgumentException(
          "sparsity " + sparsity + " is outside [0, 1); pass a fraction such as 0.5");
    }
    if (pattern == null || importance == null || scope == null) {
      throw new NullPointerException("pattern, importance and scope are required");
    }
    if (pattern == Pattern.TWO_FOUR && sparsity != 0.5) {
      throw new IllegalArgumentException(
          "sparsity "
              + sparsity
              + " with pattern 2:4: 2:4 zeroes exactly half of each group of 4; pass sparsity"
              + " 0.5 or pattern unstructured");
    }
    if (pattern == Pattern.TWO_FOUR && scope == Scope.GLOBAL) {
      throw new IllegalArgumentException(
          "pattern 2:4 is chosen per group of 4 weights; a global scope does not apply to it");
    }
    exclude = List.copyOf(exclude);
  }

  /** 2:4 by magnitude, per layer. */
  public static SparsityOptions twoFour() {
    return builder(0.5).optPattern(Pattern.TWO_FOUR).build();
  }

  /** Options zeroing {@code sparsity} of the weights; unstructured, by magnitude, per layer. */
  public static Builder builder(double sparsity) {
    return new Builder(sparsity);
  }

  /** Builder for {@link SparsityOptions}. */
  public static final class Builder {
    private final double sparsity;
    private Pattern pattern = Pattern.UNSTRUCTURED;
    private Importance importance = Importance.MAGNITUDE;
    private Scope scope = Scope.LAYER;
    private List<String> exclude = List.of();

    private Builder(double sparsity) {
      this.sparsity = sparsity;
    }

    public Builder optPattern(Pattern p) {
      this.pattern = p;
      return this;
    }

    public Builder optImportance(Importance i) {
      this.importance = i;
      return this;
    }

    public Builder optScope(Scope s) {
      this.scope = s;
      return this;
    }

    public Builder optExclude(List<String> names) {
      this.exclude = names;
      return this;
    }

    /** The options; {@link IllegalArgumentException} for a sparsity outside [0, 1). */
    public SparsityOptions build() {
      return new SparsityOptions(sparsity, pattern, importance, scope, exclude);
    }
  }
}
