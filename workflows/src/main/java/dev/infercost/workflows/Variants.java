package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.compress.CalibrationStats;
import dev.infercost.compress.CompressResult;
import dev.infercost.compress.Compressor;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.profile.EvalData;
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
 * Builds variants of one model with one data plan: the one library call every flow (compress,
 * choose, {@code --target-gpu}, bench, the search) uses to turn a {@link Recipe} into a model file,
 * evaluated against the input on the plan's held-out data. The input's outputs on that data are
 * computed once and compared with every variant built here. Writes model files only, never a
 * report.
 */
public final class Variants {
  private final ModelRef model;
  private final DataPlan data;
  private final MetricSet metrics;
  private final int threads;
  private final Consumer<String> progress;
  private Evaluator.Reference reference;
  // Static int8 recipes share one calibration of the input: it never runs the model again.
  private CalibrationStats stats;

  private Variants(
      ModelRef model, DataPlan data, MetricSet metrics, int threads, Consumer<String> progress) {
    this.model = model;
    this.data = data;
    this.metrics = metrics;
    this.threads = threads;
    this.progress = progress;
  }

  /**
   * A builder of {@code model}'s variants.
   *
   * @param data calibration batches for static int8 and held-out data for the fidelity
   * @param threads intra-op threads for the evaluation
   */
  public static Variants of(ModelRef model, DataPlan data, int threads, Consumer<String> progress) {
    return new Variants(model, data, MetricSet.none(), threads, progress);
  }

  /**
   * As above, also scoring the task metrics of {@code metrics} in every variant's evaluation
   * ({@link EvalReport#metrics()}).
   */
  public static Variants of(
      ModelRef model, DataPlan data, MetricSet metrics, int threads, Consumer<String> progress) {
    return new Variants(model, data, metrics, threads, progress);
  }

  /**
   * Builds {@code recipe} into {@code dir} (created if needed) as {@link Recipe#fileName()}; fp32
   * is the input file itself and writes nothing.
   */
  public BuiltVariant build(Recipe recipe, Path dir) throws InfercostException {
    if (recipe instanceof Recipe.Fp32) {
      return new BuiltVariant(
          recipe,
          model.file(),
          Reports.size(model.file()),
          evaluate(model.file()),
          Map.of(),
          List.of(),
          0);
    }
    Path output = Reports.outDir(dir).resolve(recipe.fileName());
    OnnxModel input = Models.loadOnnx(model.file());
    long t0 = System.nanoTime();
    CompressResult result = compress(input, recipe, true);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Models.saveOnnx(result.model(), output);
    if (!(recipe instanceof Recipe.Fp16)) {
      progress.accept(String.format(Locale.ROOT, "wrote %s (%.1f s)", output, seconds));
    }
    return new BuiltVariant(
        recipe,
        output,
        Reports.size(output),
        evaluate(output),
        result.options(),
        result.passes(),
        seconds);
  }

  /**
   * {@code recipe} applied to {@code input}; {@code original} says whether {@code input} is the
   * model itself (whose calibration statistics are shared) or a pruned or sparsified stage of it.
   */
  private CompressResult compress(OnnxModel input, Recipe recipe, boolean original)
      throws InfercostException {
    if (recipe instanceof Recipe.Pruned p) {
      progress.accept(compressing(recipe));
      CompressResult pruned =
          Compressor.pruneStructured(input, p.ratio(), p.filter(), data.calibration());
      return then(input, pruned, "prune", p.then());
    }
    if (recipe instanceof Recipe.Sparse sp) {
      progress.accept(compressing(recipe));
      CompressResult sparse =
          Compressor.sparsify(input, sp.options(), data.calibration()).compressed();
      return then(input, sparse, "sparsity", sp.then());
    }
    if (recipe instanceof Recipe.Fp16 f) {
      progress.accept("converting to fp16 (fp32 islands for sensitive ops, fp32 I/O)");
      return Compressor.toFp16(input, f.options());
    }
    if (recipe instanceof Recipe.Int8Dynamic q) {
      progress.accept(compressing(recipe));
      return Compressor.quantizeDynamic(input, q.quant(), data.calibration());
    }
    if (recipe instanceof Recipe.Int8Qdq q) {
      progress.accept(compressing(recipe));
      return Compressor.quantizeStatic(input, q.quant(), data.calibration());
    }
    if (recipe instanceof Recipe.Int8Static q) {
      progress.accept(compressing(recipe));
      CalibrationStats s;
      if (original) {
        if (stats == null) {
          stats = Compressor.calibrate(input, data.calibration());
        }
        s = stats;
      } else {
        s = Compressor.calibrate(input, data.calibration());
      }
      return Compressor.quantizeStaticCpu(input, q.options(), s);
    }
    throw new IllegalStateException("no builder for " + recipe);
  }

  /**
   * {@code first} (a stage run on {@code source}), then {@code then} on its model, as one result.
   */
  private CompressResult then(OnnxModel source, CompressResult first, String stage, Recipe then)
      throws InfercostException {
    if (then instanceof Recipe.Fp32) {
      return first;
    }
    CompressResult second = compress(first.model(), then, false);
    return Compressor.combine(source, first, stage, second);
  }

  private String compressing(Recipe recipe) {
    return "compressing "
        + model.file().getFileName()
        + " ("
        + recipe.label()
        + ", calibration: "
        + data.calibrationSource()
        + ")";
  }

  /**
   * {@code candidate} (a model with the input's inputs and outputs) against the input on the plan's
   * held-out data; empty when the plan has none.
   */
  public Optional<EvalReport> evaluate(Path candidate) throws InfercostException {
    if (data.evaluation().isEmpty()) {
      return Optional.empty();
    }
    EvalData heldOut = data.evaluation().get();
    progress.accept(
        "evaluating " + candidate + " against " + model.file() + " on " + heldOut.source());
    if (!metrics.metrics().isEmpty()) {
      // Task metrics see both models' outputs batch by batch: no cached reference.
      return Optional.of(
          Evaluator.evaluate(
              model.path(), candidate.toString(), heldOut, threads, metrics, s -> {}));
    }
    if (reference == null) {
      reference = Evaluator.reference(model.path(), heldOut, threads);
    }
    return Optional.of(reference.compare(candidate.toString()));
  }
}
