package dev.infercost.workflows;

import dev.infercost.compress.Fp16Options;
import dev.infercost.compress.NodeFilter;
import dev.infercost.compress.QuantOptions;
import dev.infercost.compress.StaticOptions;
import dev.infercost.cost.Deployable;

/**
 * How to build one variant of a model: its {@link Method} and that method's options. Recipes are
 * values; {@link Variants} turns one into a model file.
 */
public sealed interface Recipe {
  /** Which kind of variant this builds: where it runs and how it is priced. */
  Method method();

  /** The variant's name in reports and rows: its method's, unless a stage (pruning) adds to it. */
  default String label() {
    return method().label();
  }

  /** The file it is written to inside its folder. */
  default String fileName() {
    return method().fileName();
  }

  /**
   * Whether its int8 weights are kept within 7 bits, so that CPUs without a 32-bit-accumulating
   * int8 dot product run it without saturating; false for recipes without int8 weights.
   */
  default boolean reducedRange() {
    return false;
  }

  /**
   * What pricing knows of the variant: its method's {@link Method#deployable()}, with the int8
   * weight range this recipe builds where CPUs run it on integer kernels.
   */
  default Deployable deployable() {
    Deployable d = method().deployable();
    return d.cpuInt8() ? d.int8Weights(!reducedRange()) : d;
  }

  /**
   * A stage run before another recipe (pruning, sparsity): the variant is priced and runs as {@link
   * #then()} does, and its name and file say which stage came first.
   */
  sealed interface Staged extends Recipe {
    /** The recipe applied to the staged model ({@link Fp32} for the stage alone). */
    Recipe then();

    /** The stage's own name in labels ({@code pruned-0.3}). */
    String stage();

    /** The stage's word in file names ({@code pruned}). */
    String fileStage();

    @Override
    default Method method() {
      return then().method();
    }

    @Override
    default boolean reducedRange() {
      return then().reducedRange();
    }

    @Override
    default String label() {
      return stage() + (then() instanceof Fp32 ? "" : "+" + then().label());
    }

    @Override
    default String fileName() {
      return then() instanceof Fp32
          ? "model." + fileStage() + ".onnx"
          : then().fileName().replaceFirst("^model\\.", "model." + fileStage() + ".");
    }
  }

  /** The input model, unchanged. */
  record Fp32() implements Recipe {
    @Override
    public Method method() {
      return Method.FP32;
    }
  }

  /** fp16 conversion. */
  record Fp16(Fp16Options options) implements Recipe {
    @Override
    public Method method() {
      return Method.FP16;
    }
  }

  /** Dynamic int8 (CPU integer kernels). */
  record Int8Dynamic(QuantOptions quant) implements Recipe {
    @Override
    public Method method() {
      return Method.INT8_DYNAMIC;
    }

    @Override
    public boolean reducedRange() {
      return quant.reducedRange();
    }
  }

  /** Static int8 in QDQ form; the quantization filter and SmoothQuant strength apply. */
  record Int8Qdq(QuantOptions quant) implements Recipe {
    @Override
    public Method method() {
      return Method.INT8_QDQ;
    }

    @Override
    public boolean reducedRange() {
      return quant.reducedRange();
    }
  }

  /** Static int8 for CPUs: calibrated uint8 activations, int8 weights, integer kernels. */
  record Int8Static(StaticOptions options) implements Recipe {
    @Override
    public Method method() {
      return Method.INT8_STATIC;
    }

    @Override
    public boolean reducedRange() {
      return options.reducedRange();
    }
  }

  /**
   * Structured pruning first (encoder neurons and heads, or Conv channels: {@code ratio} of the
   * prunable MACs removed, calibrated on the plan's calibration data), then {@code then} on the
   * pruned model ({@link Fp32} for pruning alone).
   */
  record Pruned(double ratio, NodeFilter filter, Recipe then) implements Staged {
    public Pruned {
      if (!(ratio > 0 && ratio <= 0.95)) {
        throw new IllegalArgumentException("prune ratio must be in (0, 0.95], got " + ratio);
      }
      if (then instanceof Pruned) {
        throw new IllegalArgumentException("prune once, then compress: " + then.label());
      }
    }

    @Override
    public String stage() {
      return "pruned-" + ratio;
    }

    @Override
    public String fileStage() {
      return "pruned";
    }
  }

  /**
   * Unstructured or 2:4 sparsity first (weights zeroed, shapes unchanged: smaller when zipped, no
   * faster on dense kernels), then {@code then} ({@link Fp32} for sparsity alone).
   */
  record Sparse(dev.infercost.models.SparsityOptions options, Recipe then) implements Staged {
    public Sparse {
      if (then instanceof Staged) {
        throw new IllegalArgumentException("sparsify once, then compress: " + then.label());
      }
    }

    @Override
    public String stage() {
      String pattern =
          options.pattern().name().toLowerCase(java.util.Locale.ROOT).replace("two_four", "2:4");
      return "sparse-" + pattern + "-" + options.sparsity();
    }

    @Override
    public String fileStage() {
      return "sparse";
    }
  }

  /** The recipe for {@code method} with {@code quant} where the method quantizes. */
  static Recipe of(Method method, QuantOptions quant) {
    return switch (method) {
      case FP32 -> new Fp32();
      case FP16 -> new Fp16(Fp16Options.defaults());
      case INT8_DYNAMIC -> new Int8Dynamic(quant);
      case INT8_QDQ -> new Int8Qdq(quant);
      case INT8_STATIC ->
          new Int8Static(
              StaticOptions.builder()
                  .optFilter(quant.filter())
                  .optPerChannel(quant.perChannel())
                  .optReducedRange(quant.reducedRange())
                  .optEmbeddings(quant.embeddings())
                  .build());
    };
  }

  /** The recipe for {@code method} with default options. */
  static Recipe of(Method method) {
    return of(method, QuantOptions.defaults());
  }
}
