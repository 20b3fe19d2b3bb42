package dev.infercost.workflows;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@link PlanWorkflow#run} should plan. Build with {@link #builder()}: one demand ({@link
 * Builder#optDemand} or {@link Builder#optQps}) and one source of per-replica throughput ({@link
 * Builder#optResults}, {@link Builder#optThroughput} or {@link Builder#optModel}) are required.
 *
 * @param demand a CSV demand profile (see {@link dev.infercost.cost.DemandProfile})
 * @param qps a constant demand in inferences/s
 * @param results a {@code choose} report ({@code report.json} or {@code choose --json}) or a {@code
 *     bench} results file to take the per-replica throughput from
 * @param pick the variant (choose) or entry (bench) in {@code results}; default the winner (choose)
 *     or the only entry (bench)
 * @param throughput a per-replica throughput in inferences/s
 * @param model a model (path or built-in name) to measure here for the per-replica throughput
 * @param threads intra-op threads of that measurement
 * @param specFile the plan spec file (owned hardware, cloud options)
 * @param flags figures given one by one, laid over the spec file
 * @param catalog a user hardware catalog file
 * @param sensitivityPercent how far electricity, demand and hardware price move, ± percent
 * @param outDir where report.json and report.md go, if anywhere
 * @param html where the HTML report goes, if anywhere
 */
public record PlanRequest(
    Optional<Path> demand,
    Optional<Double> qps,
    Optional<Path> results,
    Optional<String> pick,
    Optional<Double> throughput,
    Optional<String> model,
    int threads,
    Optional<Path> specFile,
    PlanSpec flags,
    Optional<Path> catalog,
    double sensitivityPercent,
    Optional<Path> outDir,
    Optional<Path> html) {

  public PlanRequest {
    if (demand.isPresent() == qps.isPresent()) {
      throw new IllegalArgumentException("give one demand: a CSV profile or a constant rate");
    }
    int sources =
        (results.isPresent() ? 1 : 0)
            + (throughput.isPresent() ? 1 : 0)
            + (model.isPresent() ? 1 : 0);
    if (sources != 1) {
      throw new IllegalArgumentException(
          "give one source of per-replica throughput: a results file, a number or a model");
    }
    if (pick.isPresent() && results.isEmpty()) {
      throw new IllegalArgumentException("a pick names a variant or entry of a results file");
    }
    throughput.ifPresent(t -> positive("throughput", t));
    qps.ifPresent(q -> positive("demand", q));
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    if (!(sensitivityPercent > 0 && sensitivityPercent < 100)) {
      throw new IllegalArgumentException(
          "sensitivity must be in (0, 100) percent, got " + sensitivityPercent);
    }
    flags = flags == null ? PlanSpec.empty() : flags;
  }

  private static void positive(String what, double v) {
    if (!(Double.isFinite(v) && v > 0)) {
      throw new IllegalArgumentException(what + " must be a finite number > 0, got " + v);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Optional parts as {@code opt*}; null arguments leave a part unset. */
  public static final class Builder {
    private Path demand;
    private Double qps;
    private Path results;
    private String pick;
    private Double throughput;
    private String model;
    private int threads = Runtime.getRuntime().availableProcessors();
    private Path specFile;
    private PlanSpec flags = PlanSpec.empty();
    private Path catalog;
    private double sensitivityPercent = 20;
    private Path outDir;
    private Path html;

    private Builder() {}

    public Builder optDemand(Path v) {
      demand = v;
      return this;
    }

    public Builder optQps(Double v) {
      qps = v;
      return this;
    }

    public Builder optResults(Path v) {
      results = v;
      return this;
    }

    public Builder optPick(String v) {
      pick = v;
      return this;
    }

    public Builder optThroughput(Double v) {
      throughput = v;
      return this;
    }

    public Builder optModel(String v) {
      model = v;
      return this;
    }

    public Builder optThreads(int v) {
      threads = v;
      return this;
    }

    public Builder optSpec(Path v) {
      specFile = v;
      return this;
    }

    public Builder optFlags(PlanSpec v) {
      flags = v;
      return this;
    }

    public Builder optCatalog(Path v) {
      catalog = v;
      return this;
    }

    public Builder optSensitivityPercent(double v) {
      sensitivityPercent = v;
      return this;
    }

    public Builder optOutDir(Path v) {
      outDir = v;
      return this;
    }

    public Builder optHtml(Path v) {
      html = v;
      return this;
    }

    public PlanRequest build() {
      return new PlanRequest(
          Optional.ofNullable(demand),
          Optional.ofNullable(qps),
          Optional.ofNullable(results),
          Optional.ofNullable(pick),
          Optional.ofNullable(throughput),
          Optional.ofNullable(model),
          threads,
          Optional.ofNullable(specFile),
          flags,
          Optional.ofNullable(catalog),
          sensitivityPercent,
          Optional.ofNullable(outDir),
          Optional.ofNullable(html));
    }
  }
}
