package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.compress.CompressResult;
import dev.infercost.compress.Compressor;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.MetricSet;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Builds variants: the one library call every flow (compress, choose, {@code --target-gpu}, bench)
 * uses to turn a {@link Recipe} into a model file, evaluated against the input on the plan's
 * held-out data. Writes the model file only, never a report.
 */
public final class Variants {
  private Variants() {}

  /**
   * Builds {@code recipe} of {@code model} into {@code dir} (created if needed) as {@link
   * Method#fileName()}; fp32 is the input file itself and writes nothing.
   *
   * @param data calibration batches for static int8 and held-out data for the fidelity
   * @param threads intra-op threads for the evaluation
   */
  public static BuiltVariant build(
      ModelRef model,
      Recipe recipe,
      DataPlan data,
      Path dir,
      int threads,
      Consumer<String> progress)
      throws InfercostException {
    return build(model, recipe, data, MetricSet.none(), dir, threads, progress);
  }

  /**
   * As above, also scoring the task metrics of {@code metrics} in the variant's evaluation ({@link
   * EvalReport#metrics()}).
   */
  public static BuiltVariant build(
      ModelRef model,
      Recipe recipe,
      DataPlan data,
      MetricSet metrics,
      Path dir,
      int threads,
      Consumer<String> progress)
      throws InfercostException {
    if (recipe instanceof Recipe.Fp32) {
      return new BuiltVariant(
          recipe,
          model.file(),
          Reports.size(model.file()),
          evaluate(model, model.file(), data, metrics, threads, progress),
          Map.of(),
          List.of(),
          0);
    }
    Path output = Reports.outDir(dir).resolve(recipe.method().fileName());
    OnnxModel input = Models.loadOnnx(model.file());
    long t0 = System.nanoTime();
    CompressResult result;
    if (recipe instanceof Recipe.Fp16 f) {
      progress.accept("converting to fp16 (fp32 islands for sensitive ops, fp32 I/O)");
      result = Compressor.toFp16(input, f.options());
    } else if (recipe instanceof Recipe.Int8Dynamic q) {
      progress.accept(compressing(model, recipe, data));
      result = Compressor.quantizeDynamic(input, q.quant(), data.calibration());
    } else if (recipe instanceof Recipe.Int8Qdq q) {
      progress.accept(compressing(model, recipe, data));
      result = Compressor.quantizeStatic(input, q.quant(), data.calibration());
    } else {
      throw new IllegalStateException("no builder for " + recipe);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Models.saveOnnx(result.model(), output);
    if (!(recipe instanceof Recipe.Fp16)) {
      progress.accept(String.format(Locale.ROOT, "wrote %s (%.1f s)", output, seconds));
    }
    return new BuiltVariant(
        recipe,
        output,
        Reports.size(output),
        evaluate(model, output, data, metrics, threads, progress),
        result.options(),
        result.passes(),
        seconds);
  }

  private static String compressing(ModelRef model, Recipe recipe, DataPlan data) {
    return "compressing "
        + model.file().getFileName()
        + " ("
        + recipe.method().label()
        + ", calibration: "
        + data.calibrationSource()
        + ")";
  }

  private static Optional<EvalReport> evaluate(
      ModelRef model,
      Path candidate,
      DataPlan data,
      MetricSet metrics,
      int threads,
      Consumer<String> progress)
      throws InfercostException {
    if (data.evaluation().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Evaluator.evaluate(
            model.path(),
            candidate.toString(),
            data.evaluation().get(),
            threads,
            metrics,
            progress));
  }
}
