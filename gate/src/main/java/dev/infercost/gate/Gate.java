package dev.infercost.gate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.infercost.base.AtomicFiles;
import dev.infercost.gate.BenchResults.Better;
import dev.infercost.gate.BenchResults.Entry;
import dev.infercost.gate.BenchResults.Kind;
import dev.infercost.gate.BenchResults.Metric;
import dev.infercost.gate.BenchResults.Paired;
import dev.infercost.gate.BenchResults.Provenance;
import dev.infercost.gate.BenchResults.Reference;
import dev.infercost.gate.GateReport.Comparison;
import dev.infercost.gate.GateReport.Counts;
import dev.infercost.gate.GateReport.Method;
import dev.infercost.gate.GateReport.Normalization;
import dev.infercost.gate.GateReport.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * The CI gate: compares benchmark results with a baseline and says whether inference got more
 * expensive, without failing on noise.
 *
 * <p>Deterministic metrics (size, MACs, accuracy) are compared exactly against their thresholds. A
 * timing metric fails only when the ratio of medians (candidate over baseline, oriented so that
 * above 1 is worse) exceeds {@code 1 + threshold} <em>and</em> the lower end of its bootstrap 95%
 * confidence interval exceeds 1: the slowdown must be both larger than allowed and real. With fewer
 * than {@value #MIN_SAMPLES} samples on either side the point values are compared instead. The
 * bootstrap draws {@value #RESAMPLES} resamples from a generator seeded by {@link #SEED} and the
 * entry and metric names, so the same files always give the same verdict.
 *
 * <pre>{@code
 * GateReport r = Gate.compare(Gate.read(results), Gate.read(baseline), Thresholds.DEFAULTS);
 * if (!r.passed()) { ... r.regressions() ... }
 * }</pre>
 */
public final class Gate {
  /** Fewest samples per side for the bootstrap; below it, point values are compared. */
  public static final int MIN_SAMPLES = 5;

  /** Bootstrap resamples per timing metric. */
  public static final int RESAMPLES = 4000;

  /** Base seed of the bootstrap; mixed with the entry and metric names. */
  public static final long SEED = 0x1F2E3D4C5B6A7988L;

  /** Slack for absolute comparisons of decimal fractions (0.9711 − 0.9611 is not exactly 0.01). */
  private static final double ABS_EPS = 1e-12;

  /** Only turns records into trees; never configured after construction. */
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Gate() {}

  /** Reads an infercost bench results file or a JMH JSON result file, validating it. */
  public static BenchResults read(Path file) throws GateInputException {
    return ResultsReader.read(file);
  }

  /** Parses results from JSON text; {@code source} names them in messages. */
  public static BenchResults parse(String json, String source) throws GateInputException {
    return ResultsReader.parse(json.getBytes(StandardCharsets.UTF_8), source);
  }

  /**
   * {@code results} as an infercost bench results file ({@code "schema": 1, "kind": "bench"}): the
   * layout {@link #read} reads back. A writer may add detail to it before writing (the gate ignores
   * fields it does not know); {@code bench} adds each entry's latency summary, throughput and input
   * shapes.
   */
  public static ObjectNode toJson(BenchResults results) {
    return MAPPER.valueToTree(
        new BenchFile(
            BenchResults.SCHEMA,
            BenchResults.Format.BENCH.json(),
            results.createdAt(),
            results.provenance(),
            results.reference(),
            results.entries()));
  }

  /** The layout of a bench results file, in its field order. */
  private record BenchFile(
      int schema,
      String kind,
      String createdAt,
      Provenance provenance,
      Reference reference,
      List<Entry> entries) {}

  /** Reads both files and compares them. */
  public static GateReport compare(Path results, Path baseline, Thresholds thresholds)
      throws GateInputException {
    return compare(read(results), read(baseline), thresholds);
  }

  /**
   * Compares {@code results} with {@code baseline}: every entry and metric of either, matched by
   * name. Deterministic for the same inputs.
   */
  public static GateReport compare(
      BenchResults results, BenchResults baseline, Thresholds thresholds) {
    Objects.requireNonNull(results, "results");
    Objects.requireNonNull(baseline, "baseline");
    Objects.requireNonNull(thresholds, "thresholds");
    Normalization norm = normalization(results, baseline);
    Context ctx = new Context(thresholds, norm, results.reference(), baseline.reference());
    List<Comparison> rows = new ArrayList<>();
    for (Entry be : baseline.entries()) {
      Optional<Entry> ce = results.entry(be.name());
      if (ce.isEmpty()) {
        if (be.metrics().isEmpty()) {
          rows.add(Comparison.missing(be.name(), "(entry)", null, "entry missing from results"));
        }
        for (Metric bm : be.metrics()) {
          rows.add(Comparison.missing(be.name(), bm.name(), bm, "entry missing from results"));
        }
        continue;
      }
      for (Metric bm : be.metrics()) {
        Optional<Metric> cm = ce.get().metric(bm.name());
        rows.add(
            cm.isEmpty()
                ? Comparison.missing(be.name(), bm.name(), bm, "metric missing from results")
                : compare(ctx, be.name(), bm, cm.get(), ce.get().paired()));
      }
      for (Metric cm : ce.get().metrics()) {
        if (be.metric(cm.name()).isEmpty()) {
          rows.add(Comparison.added(be.name(), cm, "new metric, not in the baseline"));
        }
      }
    }
    for (Entry ce : results.entries()) {
      if (baseline.entry(ce.name()).isEmpty()) {
        for (Metric cm : ce.metrics()) {
          rows.add(Comparison.added(ce.name(), cm, "new entry, not in the baseline"));
        }
      }
    }
    int[] n = new int[Verdict.values().length];
    rows.forEach(r -> n[r.verdict().ordinal()]++);
    Counts counts =
        new Counts(
            n[Verdict.PASS.ordinal()],
            n[Verdict.FAIL.ordinal()],
            n[Verdict.MISSING.ordinal()],
            n[Verdict.NEW.ordinal()]);
    List<String> notes = new ArrayList<>();
    if (norm.note() != null) {
      notes.add(norm.note());
    }
    long points = rows.stream().filter(r -> r.method() == Method.POINT).count();
    if (points > 0) {
      notes.add(
          points
              + " timing metric(s) had fewer than "
              + MIN_SAMPLES
              + " samples on a side: their point values were compared, without a confidence"
              + " interval, so noise can flip them; record more samples");
    }
    return new GateReport(
        GateReport.SCHEMA,
        "gate",
        counts.failed() == 0 && counts.missing() == 0,
        results.source(),
        baseline.source(),
        thresholds,
        norm,
        counts,
        notes,
        rows);
  }

  /**
   * Validates {@code results} and writes them, byte for byte, as the new {@code baseline}
   * (atomically). Returns what was written.
   */
  public static BenchResults updateBaseline(Path results, Path baseline) throws GateInputException {
    BenchResults parsed = read(results);
    byte[] bytes;
    try {
      bytes = java.nio.file.Files.readAllBytes(results);
    } catch (java.io.IOException e) {
      throw GateInputException.of(results, "cannot read: " + e.getMessage(), e);
    }
    // Re-validate the exact bytes written, in case the file changed between the two reads.
    ResultsReader.parse(bytes, results.toString());
    AtomicFiles.write(baseline, out -> out.write(bytes), GateInputException::of);
    return parsed;
  }

  /**
   * Writes {@code text} to {@code file} atomically: a temporary file in the same folder, moved over
   * the target when complete; nothing is left behind on failure.
   */
  public static void write(Path file, String text) throws GateInputException {
    AtomicFiles.write(
        file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)), GateInputException::of);
  }

  // ---- hosts ----

  private record HostKey(String cpuModel, Integer logicalCores, Integer threads) {
    static HostKey of(Provenance p) {
      if (p == null) {
        return new HostKey(null, null, null);
      }
      return new HostKey(
          p.host() == null ? null : p.host().cpuModel(),
          p.host() == null ? null : p.host().logicalCores(),
          p.threads());
    }

    String words() {
      return (cpuModel == null ? "unknown CPU" : cpuModel)
          + ", "
          + (logicalCores == null ? "?" : logicalCores)
          + " logical cores, "
          + (threads == null ? "?" : threads)
          + " thread(s)";
    }
  }

  static Normalization normalization(BenchResults results, BenchResults baseline) {
    HostKey bk = HostKey.of(baseline.provenance());
    HostKey ck = HostKey.of(results.provenance());
    boolean differ = !bk.equals(ck);
    double bref = referenceMedian(baseline.reference());
    double cref = referenceMedian(results.reference());
    Double factor = bref > 0 && cref > 0 ? cref / bref : null;
    String hosts = "baseline: " + bk.words() + "; candidate: " + ck.words();
    String note = null;
    boolean applied = false;
    if (factor != null) {
      // bench measures the reference interleaved with the entries, so its ratio tracks how fast
      // the machine ran during each run; dividing it out removes run-to-run drift of a shared
      // host as well as the difference between hosts.
      applied = true;
      note =
          (differ ? "hosts differ (" + hosts + ")" : "same host")
              + ": timings normalized by the reference workload: factor "
              + Fmt.factor(factor)
              + " (candidate reference median / baseline reference median)";
    } else if (differ) {
      note =
          "hosts differ ("
              + hosts
              + ") and the reference workload is missing on "
              + (bref > 0 || cref > 0 ? "one side" : "both sides")
              + ": timings compared raw, so a faster or slower machine shows as a change;"
              + " record the baseline on this host or reference samples on both sides";
    }
    return new Normalization(differ, applied, factor, bk.words(), ck.words(), note);
  }

  private static double referenceMedian(Reference r) {
    return r == null || r.samples().isEmpty() ? 0 : Stats.median(Stats.array(r.samples()));
  }

  // ---- one metric ----

  private record Context(
      Thresholds thresholds, Normalization norm, Reference candidateRef, Reference baselineRef) {}

  private static Comparison compare(Context ctx, String entry, Metric b, Metric c, Paired paired) {
    List<String> changed = new ArrayList<>();
    if (b.kind() != c.kind()) {
      changed.add("kind " + b.kind().json() + " -> " + c.kind().json());
    }
    if (b.better() != c.better()) {
      changed.add("better " + b.better().json() + " -> " + c.better().json());
    }
    if (!b.unit().equals(c.unit())) {
      changed.add("unit '" + b.unit() + "' -> '" + c.unit() + "'");
    }
    if (!changed.isEmpty()) {
      return Comparison.incomparable(
          entry,
          b,
          c,
          "metric definition changed ("
              + String.join(", ", changed)
              + "): not comparable; update the baseline if this is intended");
    }
    if (b.kind() == Kind.DETERMINISTIC) {
      return deterministic(ctx.thresholds(), entry, b, c);
    }
    return paired == null
        ? timing(ctx, entry, b, c)
        : paired(ctx.thresholds(), entry, b, c, paired);
  }

  /**
   * A timing metric of an entry measured in rounds alternating with its baseline model: judged by
   * the median of the per-round latency ratios (every timing metric of a bench entry derives from
   * its latency) and the bootstrap interval of that median over rounds. Drift of a shared machine
   * between rounds is common to both sides of a round and cancels; the baseline file's timings are
   * not used.
   */
  private static Comparison paired(Thresholds t, String entry, Metric bm, Metric cm, Paired p) {
    double threshold = Measure.isCost(bm.name()) ? t.maxCostIncrease() : t.maxLatencyIncrease();
    boolean higher = bm.better() == Better.HIGHER;
    int n = p.candidateMs().size();
    double[] ratios = new double[n];
    for (int i = 0; i < n; i++) {
      ratios[i] = p.candidateMs().get(i) / p.baselineMs().get(i);
    }
    double ratio = Stats.median(ratios);
    double[] ci;
    if (n < MIN_SAMPLES) {
      ci = new double[] {ratio, ratio};
    } else {
      Random random =
          new Random(SEED ^ (long) (entry + "\u0000paired").hashCode() * 0x9E3779B97F4A7C15L);
      Stats.Resampler r = new Stats.Resampler(ratios);
      double[] medians = new double[RESAMPLES];
      for (int k = 0; k < RESAMPLES; k++) {
        medians[k] = r.median(random);
      }
      Arrays.sort(medians);
      ci = new double[] {Stats.quantile(medians, 0.025), Stats.quantile(medians, 0.975)};
    }
    boolean fail = ratio > 1 + threshold && ci[0] > 1;
    double[] change =
        higher ? new double[] {1 / ci[1] - 1, 1 / ci[0] - 1} : new double[] {ci[0] - 1, ci[1] - 1};
    String detail =
        describe(ratio, n < MIN_SAMPLES ? null : ci[0], n < MIN_SAMPLES ? null : ci[1], threshold)
            + "; paired with "
            + p.baseline()
            + " in the same run ("
            + n
            + " ABBA rounds, "
            + (p.clock().equals(Paired.THREAD_CPU) ? "thread CPU time" : "wall time")
            + (n < MIN_SAMPLES ? ", too few for an interval" : "")
            + ")";
    double baselineFigure = higher ? cm.value() * ratio : cm.value() / ratio;
    return Comparison.paired(
        entry, bm, cm, fail, baselineFigure, ratio, ci, change, threshold, n, detail);
  }

  private static Comparison deterministic(Thresholds t, String entry, Metric bm, Metric cm) {
    double b = bm.value();
    double c = cm.value();
    boolean higher = bm.better() == Better.HIGHER;
    double worseBy = higher ? b - c : c - b; // > 0: worse, in the metric's unit
    Double change = null; // undefined from zero, unless both are zero
    if (b != 0) {
      change = (c - b) / Math.abs(b);
    } else if (c == 0) {
      change = 0.0;
    }
    boolean fail;
    Double threshold;
    String limit;
    if (Measure.ACCURACY.covers(bm.name())) {
      threshold = t.maxAccuracyDrop();
      fail = worseBy > threshold + ABS_EPS;
      limit = "at most " + Fmt.number(threshold) + " allowed";
    } else if (Measure.SIZE.covers(bm.name()) || Measure.MACS.covers(bm.name())) {
      threshold = Measure.SIZE.covers(bm.name()) ? t.maxSizeIncrease() : t.maxMacsIncrease();
      fail = worseBy > threshold * Math.abs(b);
      limit = "at most " + Fmt.limit(threshold) + " allowed";
    } else {
      threshold = 0.0;
      fail = worseBy > 0;
      limit = "no worsening allowed";
    }
    String what = higher ? (worseBy > 0 ? "dropped" : "rose") : (worseBy > 0 ? "grew" : "shrank");
    String detail =
        worseBy == 0
            ? "unchanged"
            : what
                + " by "
                + Fmt.number(Math.abs(c - b))
                + (bm.unit().isEmpty() ? "" : " " + bm.unit())
                + (change == null ? "" : " (" + Fmt.percent(change) + ")")
                + (worseBy > 0 ? "; " + limit : "");
    return Comparison.exact(entry, bm, cm, fail, change, threshold, detail);
  }

  private static Comparison timing(Context ctx, String entry, Metric bm, Metric cm) {
    double threshold =
        Measure.isCost(bm.name())
            ? ctx.thresholds().maxCostIncrease()
            : ctx.thresholds().maxLatencyIncrease();
    boolean higher = bm.better() == Better.HIGHER;
    Normalization norm = ctx.norm();
    double factor = norm.applied() ? norm.factor() : 1;
    double[] bs = Stats.array(bm.samples());
    double[] cs = Stats.array(cm.samples());
    String normText =
        norm.applied()
            ? "; normalized by the reference workload: factor " + Fmt.factor(factor)
            : "";
    if (bs.length < MIN_SAMPLES || cs.length < MIN_SAMPLES) {
      double b = bm.value();
      double c = scale(cm.value(), factor, higher);
      double ratio = worseRatio(b, c, higher);
      boolean fail = ratio > 1 + threshold;
      String detail =
          "fewer than "
              + MIN_SAMPLES
              + " samples ("
              + bs.length
              + " baseline, "
              + cs.length
              + " candidate): point values compared, no confidence interval; "
              + describe(ratio, null, null, threshold)
              + normText;
      return Comparison.point(entry, bm, cm, fail, c, ratio, threshold, norm.applied(), detail);
    }
    double mb = Stats.median(bs);
    double mc = scale(Stats.median(cs), factor, higher);
    double ratio = worseRatio(mb, mc, higher);
    double[] ci = bootstrap(ctx, entry + "\u0000" + bm.name(), bs, cs, higher, factor);
    boolean fail = ratio > 1 + threshold && ci[0] > 1;
    if (fail && norm.applied() && !norm.hostsDiffer()) {
      // On one host the reference only approximates how the machine's speed drifted (it is a
      // different workload), so a same-host regression must also show in the raw timings.
      Context raw =
          new Context(
              ctx.thresholds(),
              new Normalization(
                  false,
                  false,
                  norm.factor(),
                  norm.baselineHost(),
                  norm.candidateHost(),
                  norm.note()),
              ctx.candidateRef(),
              ctx.baselineRef());
      double rawRatio = worseRatio(mb, Stats.median(cs), higher);
      double[] rawCi = bootstrap(raw, entry + "\u0000" + bm.name(), bs, cs, higher, 1);
      if (!(rawRatio > 1 + threshold && rawCi[0] > 1)) {
        fail = false;
        normText +=
            String.format(
                java.util.Locale.ROOT,
                "; not a regression in the raw timings (worse by %.1f%%), so not failed on the same host",
                (rawRatio - 1) * 100);
      }
    }
    // The change is in the metric's own direction: for better=higher it is 1/ratio − 1.
    double changeLow = higher ? 1 / ci[1] - 1 : ci[0] - 1;
    double changeHigh = higher ? 1 / ci[0] - 1 : ci[1] - 1;
    return Comparison.bootstrap(
        entry,
        bm,
        cm,
        fail,
        mb,
        mc,
        ratio,
        ci,
        new double[] {changeLow, changeHigh},
        threshold,
        norm.applied(),
        describe(ratio, ci[0], ci[1], threshold) + normText);
  }

  /** A candidate timing on the baseline host's scale: a slower host (factor > 1) is undone. */
  private static double scale(double v, double factor, boolean higher) {
    return higher ? v * factor : v / factor;
  }

  /** Above 1 means worse, whichever direction is better. */
  private static double worseRatio(double baseline, double candidate, boolean higher) {
    return higher ? Stats.ratio(baseline, candidate) : Stats.ratio(candidate, baseline);
  }

  static String describe(double ratio, Double lo, Double hi, double threshold) {
    String ci = lo == null ? "" : " (95% CI " + signed(lo) + " to " + signed(hi) + ")";
    String allowed = Fmt.limit(threshold) + " allowed";
    if (ratio > 1 + threshold) {
      if (lo == null) {
        return "worse by " + worsePct(ratio) + ", beyond the " + allowed;
      }
      return lo > 1
          ? "regression: worse by " + worsePct(ratio) + ci + ", beyond the " + allowed
          : "worse by "
              + worsePct(ratio)
              + ci
              + " but within noise: the interval includes no change";
    }
    if (ratio > 1) {
      return "worse by " + worsePct(ratio) + ci + ", within the " + allowed;
    }
    if (ratio == 0) {
      return "better: down to zero" + ci;
    }
    if (ratio < 1) {
      // ratio < 1: the candidate is 1/ratio times as good (0.8 → better by 25.0%).
      return "better by " + Fmt.worse(1 / ratio - 1) + ci;
    }
    return "unchanged" + ci;
  }

  private static String worsePct(double ratio) {
    return Double.isInfinite(ratio) ? "from zero" : Fmt.worse(ratio - 1);
  }

  /** A worse-ratio bound as a signed worsening, {@code +18.0%}. */
  private static String signed(double ratio) {
    return Double.isInfinite(ratio) ? "+inf" : Fmt.percent(ratio - 1);
  }

  /**
   * The 95% percentile-bootstrap interval of the worse-ratio of medians. Both sample sets are
   * resampled; when timings are normalized, so are both reference sets, so the interval also
   * carries the uncertainty of the normalization factor.
   */
  private static double[] bootstrap(
      Context ctx, String key, double[] bs, double[] cs, boolean higher, double pointFactor) {
    Random random = new Random(SEED ^ (long) key.hashCode() * 0x9E3779B97F4A7C15L);
    Stats.Resampler rb = new Stats.Resampler(bs);
    Stats.Resampler rc = new Stats.Resampler(cs);
    boolean normalize = ctx.norm().applied();
    Stats.Resampler rbRef =
        normalize ? new Stats.Resampler(Stats.array(ctx.baselineRef().samples())) : null;
    Stats.Resampler rcRef =
        normalize ? new Stats.Resampler(Stats.array(ctx.candidateRef().samples())) : null;
    double[] ratios = new double[RESAMPLES];
    for (int k = 0; k < RESAMPLES; k++) {
      double b = rb.median(random);
      double c = rc.median(random);
      if (normalize) {
        double f = Stats.ratio(rcRef.median(random), rbRef.median(random));
        c = scale(c, Double.isFinite(f) && f > 0 ? f : pointFactor, higher);
      }
      ratios[k] = worseRatio(b, c, higher);
    }
    Arrays.sort(ratios);
    return new double[] {Stats.quantile(ratios, 0.025), Stats.quantile(ratios, 0.975)};
  }
}
