package dev.infercost.workflows;

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
 * InputNoise}: up to half an 8-bit step of their range), on a bound's measure. A variant's miss is
 * held against it: when the input model misses the bound too, the bound measures the model's own
 * stability, not a compression.
 *
 * @param inputsMoved how far, per input: {@code up to ±0.5 on 'image'}
 * @param loss the input model's own loss on the bound's measure (1 − mean cosine, the accuracy or
 *     task-metric drop)
 * @param met whether that meets the bound: when not, the bound is tighter than the model's own
 *     stability
 */
public record Stability(String inputsMoved, double loss, boolean met) {
  /**
   * {@code model} (a path or built-in name) on {@code held} against itself with the float inputs
   * moved, scored as a variant is on {@code bound}; empty when no float input can move.
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
    return Optional.of(
        new Stability(noise.get().describe(), bound.loss(own), bound.check(own).met()));
  }

  /**
   * What the model's own loss says of a bound it misses: {@code the input model misses it too, …:
   * the bound is tighter than the model's own stability}.
   */
  String tighter(Bound bound) {
    return String.format(
        Locale.ROOT,
        "the input model misses it too, against itself, when its float inputs move by %s (half an"
            + " 8-bit step of their range; %s %s): the bound is tighter than the model's own"
            + " stability",
        inputsMoved,
        bound.measure(),
        Fmt.sig(loss));
  }
}
