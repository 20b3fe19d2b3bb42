package dev.infercost.workflows;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.infercost.base.Fmt;
import dev.infercost.base.InfercostException;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.InputNoise;
import dev.infercost.profile.MetricSet;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The input model against itself with its float inputs moved by noise nobody would see ({@link
 * InputNoise}: up to half an 8-bit step of each feature's range), on a bound's measure. A variant's
 * miss is held against it: when the input model misses the bound too, the bound measures the
 * model's own stability, not a compression.
 *
 * @param inputsMoved how far, per input: {@code up to ±0.5 on 'image'}
 * @param loss the input model's own loss on the bound's measure (1 − mean cosine, the accuracy or
 *     task-metric drop)
 * @param margin half the 95% confidence interval of an accuracy drop (from the samples whose
 *     correctness the noise flips); null for the other measures
 * @param verdict whether the input model holds the bound under that noise
 */
public record Stability(String inputsMoved, double loss, Double margin, Verdict verdict) {
  /** Whether the input model holds a bound against itself with its inputs moved. */
  public enum Verdict {
    /** It meets the bound (beyond the accuracy drop's margin): a variant's miss is its own. */
    HOLDS,
    /** It misses the bound (beyond the margin): the bound is tighter than the model's stability. */
    MISSES,
    /** The bound lies within the accuracy drop's margin: the data cannot tell. */
    UNRESOLVED;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * {@code model} (a path or built-in name) on {@code held} against itself with the float inputs
   * moved, scored as a variant is on {@code bound}; empty when no float input can move or the
   * measure has no value there (an accuracy bound on data without usable labels).
   */
  static Optional<Stability> of(
      String model,
      EvalData held,
      Bound bound,
      MetricSet metrics,
      int threads,
      Consumer<String> progress)
      throws InfercostException {
    Optional<InputNoise> noise = InputNoise.of(held);
    if (noise.isEmpty()) {
      return Optional.empty();
    }
    EvalReport own = Evaluator.stability(model, noise.get(), threads, metrics, progress);
    if (!Double.isFinite(bound.check(own).observed())) {
      return Optional.empty();
    }
    double loss = bound.loss(own);
    Double margin = bound instanceof Bound.MaxAccuracyDrop ? own.accuracyDropMargin() : null;
    double m = margin == null ? 0 : margin;
    Verdict v =
        loss + m <= bound.maxLoss()
            ? Verdict.HOLDS
            : loss - m > bound.maxLoss() ? Verdict.MISSES : Verdict.UNRESOLVED;
    return Optional.of(new Stability(noise.get().describe(), loss, margin, v));
  }

  /** The loss in words: {@code 1 − mean cosine 0.0757}, with its margin where it has one. */
  String lossText(Bound bound) {
    return bound.measure() + " " + Fmt.sig(loss) + (margin == null ? "" : " ±" + Fmt.sig(margin));
  }

  /**
   * What the model's own loss says of a bound it misses: {@code the input model misses it too, …:
   * the bound is tighter than the model's own stability}.
   */
  String tighter(Bound bound) {
    return String.format(
        Locale.ROOT,
        "the input model misses it too, against itself, when its float inputs move by %s (half an"
            + " 8-bit step of each feature's range; %s): the bound is tighter than the model's own"
            + " stability",
        inputsMoved,
        lossText(bound));
  }
}
