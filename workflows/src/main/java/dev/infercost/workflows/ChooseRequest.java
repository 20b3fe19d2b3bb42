package dev.infercost.workflows;

import dev.infercost.compress.NodeFilter;
import dev.infercost.compress.QuantOptions;
import dev.infercost.profile.MetricSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@link ChooseWorkflow#run} should decide. Build with {@link #builder(ModelRef, Bound)}.
 *
 * @param model the resolved model
 * @param data evaluation data (built-in models default to their held-out data)
 * @param bound the accuracy bound
 * @param metrics task metrics every variant is scored with (the bound's own metric among them)
 * @param p99Ms latency objective per call
 * @param qps demand in inferences/s, if any
 * @param hardware catalog ids or aliases to consider; empty = every non-example catalog entry
 * @param catalog a user catalog file ({@code "extends": "builtin"} to add to the built-in one)
 * @param measuredOn the catalog entry this host is, when automatic matching cannot tell
 * @param methods variants to build (see {@link Method#deployable()} for where each is priced);
 *     empty when {@code search} decides them
 * @param search the budget of the automatic search run per hardware family ({@link
 *     ChooseVariants}), when it decides the variants instead of {@code methods}
 * @param batches batch sizes to measure
 * @param shapes input shapes (dim 0 is replaced by each batch)
 * @param threads vCPUs kept busy by the measurements that are priced: one stream with that many
 *     intra-op threads, and (for variants priced on CPUs) as many single-thread streams; above 1,
 *     each variant is also measured at 1 thread to fit the thread scaling of CPU projections
 * @param outDir where report.json and report.md go (and the built variants), if anywhere
 * @param prune a ladder of structured-pruning ratios: each method is also built pruned at each
 * @param calibrateProjection fit the CPU model's serial fraction and SMT gain to this host's
 *     measurements and project every CPU with them (see {@link dev.infercost.cost.ProjectionCheck})
 * @param measurements folders of measurement files taken on other machines ({@code profile --json},
 *     {@code bench} results) whose figures replace the projections they measured
 */
public record ChooseRequest(
    ModelRef model,
    Optional<Path> data,
    Bound bound,
    MetricSet metrics,
    double p99Ms,
    Optional<Double> qps,
    List<String> hardware,
    Optional<Path> catalog,
    Optional<String> measuredOn,
    List<Method> methods,
    Optional<CompressRequest.SearchBudget> search,
    List<Integer> batches,
    Map<String, long[]> shapes,
    int threads,
    Optional<Path> outDir,
    List<Double> prune,
    boolean calibrateProjection,
    List<Path> measurements) {

  public ChooseRequest {
    hardware = List.copyOf(hardware);
    methods = List.copyOf(methods);
    batches = List.copyOf(batches);
    prune = List.copyOf(prune);
    measurements = List.copyOf(measurements);
    for (double r : prune) {
      if (!(r > 0 && r <= 0.95)) {
        throw new IllegalArgumentException("prune ratio must be in (0, 0.95], got " + r);
      }
    }
    shapes = Map.copyOf(shapes);
    if (bound instanceof Bound.MaxMetricDrop b) {
      metrics = metrics.with(b.metric());
    }
    if (methods.isEmpty() == search.isEmpty()) {
      throw new IllegalArgumentException(
          "either methods to build or a search is needed, not both: got "
              + methods
              + " and "
              + search);
    }
    if (batches.isEmpty()) {
      throw new IllegalArgumentException("at least one batch size is needed");
    }
    if (!(p99Ms > 0)) {
      throw new IllegalArgumentException("the p99 latency objective must be > 0 ms, got " + p99Ms);
    }
    if (qps.isPresent() && !(qps.get() > 0 && Double.isFinite(qps.get()))) {
      throw new IllegalArgumentException(
          "the demand must be a finite number of inferences/s > 0, got " + qps.get());
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
  }

  /**
   * The variants to build: every method, then every method pruned at each ratio of the ladder; int8
   * weights within 7 bits when {@code reducedRange}.
   */
  public List<Recipe> recipes(boolean reducedRange) {
    QuantOptions d = QuantOptions.defaults();
    QuantOptions q =
        new QuantOptions(d.filter(), d.perChannel(), reducedRange, d.embeddings(), d.smoothAlpha());
    List<Recipe> out = new ArrayList<>();
    methods.forEach(m -> out.add(Recipe.of(m, q)));
    for (double r : prune) {
      methods.forEach(m -> out.add(new Recipe.Pruned(r, NodeFilter.all(), Recipe.of(m, q))));
    }
    return out;
  }

  public static Builder builder(ModelRef model, Bound bound) {
    return new Builder(model, bound);
  }

  /** Required fields in {@code builder(...)}, optional ones as {@code opt*}. */
  public static final class Builder {
    private final ModelRef model;
    private final Bound bound;
    private MetricSet metrics = MetricSet.none();
    private Path data;
    private double p99Ms = 1000;
    private Double qps;
    private List<String> hardware = List.of();
    private Path catalog;
    private String measuredOn;
    private List<Method> methods = List.of();
    private CompressRequest.SearchBudget search =
        new CompressRequest.SearchBudget(12, java.time.Duration.ofMinutes(10));
    private List<Integer> batches = List.of(1);
    private final Map<String, long[]> shapes = new LinkedHashMap<>();
    private int threads = Runtime.getRuntime().availableProcessors();
    private Path outDir;
    private List<Double> prune = List.of();
    private boolean calibrateProjection;
    private List<Path> measurements = List.of();

    private Builder(ModelRef model, Bound bound) {
      this.model = model;
      this.bound = bound;
    }

    public Builder optData(Path p) {
      this.data = p;
      return this;
    }

    public Builder optP99Ms(double ms) {
      this.p99Ms = ms;
      return this;
    }

    public Builder optQps(Double q) {
      this.qps = q;
      return this;
    }

    public Builder optHardware(List<String> h) {
      this.hardware = new ArrayList<>(h);
      return this;
    }

    public Builder optCatalog(Path p) {
      this.catalog = p;
      return this;
    }

    public Builder optMeasuredOn(String id) {
      this.measuredOn = id;
      return this;
    }

    /** Build these methods instead of searching. */
    public Builder optMethods(List<Method> m) {
      this.methods = new ArrayList<>(m);
      this.search = null;
      return this;
    }

    /** Search per hardware family within this budget (the default: 12 trials, 10 minutes). */
    public Builder optSearch(CompressRequest.SearchBudget budget) {
      this.search = budget;
      this.methods = List.of();
      return this;
    }

    public Builder optBatches(List<Integer> b) {
      this.batches = new ArrayList<>(b);
      return this;
    }

    public Builder optShape(String input, long[] dims) {
      shapes.put(input, dims.clone());
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

    public Builder optOutDir(Path p) {
      this.outDir = p;
      return this;
    }

    /** Also build every method pruned at each of these ratios. */
    public Builder optPrune(List<Double> ratios) {
      this.prune = new ArrayList<>(ratios);
      return this;
    }

    /** Calibrate the CPU model on this host's measurements and project with it. */
    public Builder optCalibrateProjection(boolean calibrate) {
      this.calibrateProjection = calibrate;
      return this;
    }

    /** Folders of measurement files from other machines. */
    public Builder optMeasurements(List<Path> dirs) {
      this.measurements = new ArrayList<>(dirs);
      return this;
    }

    public ChooseRequest build() {
      return new ChooseRequest(
          model,
          Optional.ofNullable(data),
          bound,
          metrics,
          p99Ms,
          Optional.ofNullable(qps),
          hardware,
          Optional.ofNullable(catalog),
          Optional.ofNullable(measuredOn),
          methods,
          Optional.ofNullable(search),
          batches,
          shapes,
          threads,
          Optional.ofNullable(outDir),
          prune,
          calibrateProjection,
          measurements);
    }
  }
}
