package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.base.OutputGuard;
import dev.infercost.compress.QuantOptions;
import dev.infercost.compress.StaticOptions;
import dev.infercost.profile.MetricSet;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link CompressWorkflow#run} should do. Build with {@link #builder(ModelRef, Path)}.
 *
 * @param model the resolved model
 * @param outDir folder for the variant, {@code report.json} and {@code report.md}
 * @param recipe the variant to build: {@link Recipe.Int8Dynamic} (default), {@link Recipe.Int8Qdq}
 *     or {@link Recipe.Int8Static}
 * @param data evaluation data (also split for calibration when {@code calibrationData} is empty);
 *     built-in models default to their bundled held-out data
 * @param calibrationData calibration data, disjoint from {@code data}
 * @param calibrationSamples most calibration batches used
 * @param bound accuracy bound to check, if any
 * @param metrics task metrics to score the variant with (the bound's own metric among them)
 * @param threads intra-op threads for evaluation and profiling
 * @param shapes input shapes for profiling (symbolic dims default as in {@code profile})
 * @param measure whether to profile latency before and after
 * @param target the hardware the model is for (the report says so; the search builds for it);
 *     empty: this host
 * @param search when present, {@code recipe} is ignored and {@link Search} looks for the fastest
 *     variant that meets {@code bound} (which it then requires) within this budget
 */
public record CompressRequest(
    ModelRef model,
    Path outDir,
    Recipe recipe,
    Optional<Path> data,
    Optional<Path> calibrationData,
    int calibrationSamples,
    Optional<Bound> bound,
    MetricSet metrics,
    int threads,
    Map<String, long[]> shapes,
    boolean measure,
    Optional<Target> target,
    Optional<SearchBudget> search) {

  /**
   * How long an automatic search may run.
   *
   * @param maxTrials most variants built
   * @param timeBudget wall time after which no new trial starts
   */
  public record SearchBudget(int maxTrials, java.time.Duration timeBudget) {
    public SearchBudget {
      if (maxTrials < 1 || timeBudget.isNegative() || timeBudget.isZero()) {
        throw new IllegalArgumentException(
            "a search needs at least 1 trial and a positive time budget, got "
                + maxTrials
                + " and "
                + timeBudget);
      }
    }
  }

  public CompressRequest {
    if (!compresses(recipe)) {
      throw new IllegalArgumentException(
          "compress builds "
              + Method.INT8_DYNAMIC
              + ", "
              + Method.INT8_STATIC
              + " or "
              + Method.INT8_QDQ
              + ", with or without pruning or sparsity first (or only those), not "
              + recipe.label());
    }
    if (calibrationSamples < 1 || threads < 1) {
      throw new IllegalArgumentException("calibration samples and threads must be >= 1");
    }
    shapes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(shapes));
    if (search.isPresent() && bound.isEmpty()) {
      throw new IllegalArgumentException(
          "an automatic search needs an accuracy bound: a maximum accuracy drop or a minimum"
              + " cosine");
    }
    if (bound.orElse(null) instanceof Bound.MaxMetricDrop b) {
      metrics = metrics.with(b.metric());
    }
  }

  public static Builder builder(ModelRef model, Path outDir) {
    return new Builder(model, outDir);
  }

  /** Required fields in {@code builder(...)}, optional ones as {@code opt*}. */
  public static final class Builder {
    private final ModelRef model;
    private final Path outDir;
    private Recipe recipe = Recipe.of(Method.INT8_DYNAMIC);
    private Path data;
    private Path calibrationData;
    private int calibrationSamples = 100;
    private Bound bound;
    private MetricSet metrics = MetricSet.none();
    private int threads = 1;
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private boolean measure = true;
    private Target target;
    private SearchBudget search;

    private Builder(ModelRef model, Path outDir) {
      this.model = model;
      this.outDir = outDir;
    }

    public Builder optRecipe(Recipe r) {
      this.recipe = r;
      return this;
    }

    public Builder optData(Path p) {
      this.data = p;
      return this;
    }

    public Builder optCalibrationData(Path p) {
      this.calibrationData = p;
      return this;
    }

    public Builder optCalibrationSamples(int n) {
      this.calibrationSamples = n;
      return this;
    }

    public Builder optBound(Bound b) {
      this.bound = b;
      return this;
    }

    /** Task metrics to score, and the labels file they read; the bound's metric is added. */
    public Builder optMetrics(MetricSet m) {
      this.metrics = m;
      return this;
    }

    public Builder optThreads(int t) {
      this.threads = t;
      return this;
    }

    public Builder optShape(String input, long[] dims) {
      shapes.put(input, dims.clone());
      return this;
    }

    public Builder optMeasure(boolean m) {
      this.measure = m;
      return this;
    }

    public Builder optTarget(Target t) {
      this.target = t;
      return this;
    }

    /** Search for the fastest variant within the bound instead of building the recipe. */
    public Builder optSearch(SearchBudget budget) {
      this.search = budget;
      return this;
    }

    public CompressRequest build() {
      return new CompressRequest(
          model,
          outDir,
          recipe,
          Optional.ofNullable(data),
          Optional.ofNullable(calibrationData),
          calibrationSamples,
          Optional.ofNullable(bound),
          metrics,
          threads,
          shapes,
          measure,
          Optional.ofNullable(target),
          Optional.ofNullable(search));
    }
  }

  /**
   * The quantization options of the recipe (every int8 recipe has them; int8-static's filter,
   * per-channel and reduced-range settings with the other options at their defaults).
   */
  public QuantOptions quant() {
    return quant(recipe);
  }

  private static boolean compresses(Recipe r) {
    if (r instanceof Recipe.Staged s) {
      return s.then() instanceof Recipe.Fp32
          || s.then() instanceof Recipe.Fp16
          || compresses(s.then());
    }
    return r instanceof Recipe.Int8Dynamic
        || r instanceof Recipe.Int8Qdq
        || r instanceof Recipe.Int8Static;
  }

  private static QuantOptions quant(Recipe recipe) {
    if (recipe instanceof Recipe.Staged s) {
      return quant(s.then());
    }
    if (recipe instanceof Recipe.Fp32 || recipe instanceof Recipe.Fp16) {
      return QuantOptions.defaults();
    }
    if (recipe instanceof Recipe.Int8Static s) {
      QuantOptions d = QuantOptions.defaults();
      StaticOptions o = s.options();
      return new QuantOptions(
          o.filter(), o.perChannel(), o.reducedRange(), o.embeddings(), d.smoothAlpha());
    }
    return recipe instanceof Recipe.Int8Qdq q ? q.quant() : ((Recipe.Int8Dynamic) recipe).quant();
  }

  /**
   * Refuses the request when an input lies where the run writes in {@code outDir} (e.g. the model
   * given as {@code DIR/report.json} with {@code DIR} as the output folder); see {@link
   * OutputGuard}.
   *
   * @param written what the run writes in the output folder
   */
  void checkOutputs(java.util.List<String> written) throws InfercostException {
    OutputGuard.of()
        .input("the model", model.file())
        .input("the evaluation data", data.orElse(null))
        .input("the calibration data", calibrationData.orElse(null))
        .input("the tokenizer", model.tokenizer().orElse(null))
        .input("the preprocessing spec", model.preprocessing().orElse(null))
        .folder("the output folder", outDir, written)
        .check();
  }

  /** The data plan this request describes. */
  DataPlan plan() throws InfercostException {
    return DataPlan.of(model, data, calibrationData, calibrationSamples);
  }
}
