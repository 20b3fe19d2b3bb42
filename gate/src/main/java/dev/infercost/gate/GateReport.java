package dev.infercost.gate;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.infercost.gate.BenchResults.Better;
import dev.infercost.gate.BenchResults.Kind;
import dev.infercost.gate.BenchResults.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What {@link Gate#compare} found: one {@link Comparison} per entry and metric, in baseline order
 * with new ones last, and whether the gate passed. Serializes to the {@code --json} document as is;
 * {@link #markdown()} and {@link #junitXml()} render the other outputs.
 *
 * @param schema layout version of this report, {@value #SCHEMA}
 * @param kind always {@code "gate"}
 * @param passed no comparison failed and nothing from the baseline is missing
 * @param results where the candidate results came from
 * @param baseline where the baseline came from
 * @param thresholds the thresholds applied
 * @param normalization whether and how timings were put on the baseline host's scale
 * @param counts comparisons per verdict
 * @param notes report-wide remarks (normalization, hosts, fallbacks), each one line
 * @param comparisons one per entry and metric
 */
public record GateReport(
    int schema,
    String kind,
    boolean passed,
    String results,
    String baseline,
    Thresholds thresholds,
    Normalization normalization,
    Counts counts,
    List<String> notes,
    List<Comparison> comparisons) {

  /** Version of the gate report layout. */
  public static final int SCHEMA = 1;

  public GateReport {
    Objects.requireNonNull(thresholds, "thresholds");
    Objects.requireNonNull(normalization, "normalization");
    Objects.requireNonNull(counts, "counts");
    notes = List.copyOf(notes);
    comparisons = List.copyOf(comparisons);
  }

  /** The comparisons that make the gate fail: {@code FAIL} and {@code MISSING}. */
  public List<Comparison> regressions() {
    return comparisons.stream().filter(c -> c.verdict().failing()).toList();
  }

  /** One-line headline: {@code PASS: 12 metrics, no regression} or the failure counts. */
  public String headline() {
    int n = comparisons.size();
    if (passed) {
      return "PASS: "
          + plural(n - counts.added(), "metric")
          + " compared, no regression"
          + (counts.added() > 0 ? ", " + counts.added() + " new" : "");
    }
    List<String> what = new ArrayList<>();
    if (counts.failed() > 0) {
      what.add(plural(counts.failed(), "regression"));
    }
    if (counts.missing() > 0) {
      what.add(counts.missing() + " missing");
    }
    return "FAIL: " + String.join(", ", what) + " in " + plural(n - counts.added(), "metric");
  }

  /** A pull-request comment: headline verdict, what failed, all comparisons, the notes. */
  public String markdown() {
    return Markdown.render(this);
  }

  /** JUnit XML: one test case per entry and metric, failures for regressions, skips for new. */
  public String junitXml() {
    return JUnitXml.render(this);
  }

  static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  /** Outcome of one comparison. */
  public enum Verdict {
    /** No regression. */
    PASS,
    /** A regression beyond its threshold (and, for timings, beyond the noise). */
    FAIL,
    /** In the results, not in the baseline: reported, never a failure. */
    NEW,
    /** In the baseline, not in the results: a failure. */
    MISSING;

    @JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this verdict fails the gate. */
    public boolean failing() {
      return this == FAIL || this == MISSING;
    }
  }

  /** How a comparison was decided. */
  public enum Method {
    /** Deterministic values compared exactly against the threshold. */
    EXACT,
    /** Ratio of medians with a bootstrap 95% confidence interval. */
    BOOTSTRAP,
    /** Timing with fewer than {@value Gate#MIN_SAMPLES} samples on a side: point values only. */
    POINT,
    /**
     * Timing measured in alternating rounds with a baseline model in the same run: the median of
     * the per-round ratios with a bootstrap 95% interval over rounds; the baseline file's timings
     * are not used.
     */
    PAIRED,
    /** Nothing to compare (new, missing, or the metric's definition changed). */
    NONE;

    @JsonValue
    String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Comparisons per verdict.
   *
   * @param passed {@code PASS}
   * @param failed {@code FAIL}
   * @param missing {@code MISSING}
   * @param added {@code NEW}
   */
  public record Counts(int passed, int failed, int missing, int added) {}

  /**
   * Whether the two files come from different hosts and how timings were made comparable.
   *
   * @param hostsDiffer CPU model, logical cores or threads differ (or are known on one side only)
   * @param applied candidate timings were divided by {@code factor}
   * @param factor candidate reference median ÷ baseline reference median, or null without a
   *     reference on both sides
   * @param baselineHost the baseline's host, in words
   * @param candidateHost the candidate's host, in words
   * @param note what was done, in one line, or null when hosts match and nothing is remarkable
   */
  public record Normalization(
      boolean hostsDiffer,
      boolean applied,
      Double factor,
      String baselineHost,
      String candidateHost,
      String note) {}

  /**
   * One entry and metric, compared.
   *
   * @param entry entry name
   * @param metric metric name
   * @param unit the metric's unit
   * @param kind deterministic or timing
   * @param better which direction is an improvement
   * @param verdict the outcome
   * @param method how it was decided
   * @param baseline the baseline figure compared: the median of the samples ({@code bootstrap}),
   *     else the value; null when missing from the baseline
   * @param candidate the candidate figure compared, likewise, after normalization; null when
   *     missing
   * @param change candidate ÷ baseline − 1 (signed, in the metric's own direction), or null
   * @param changeCiLow lower end of the 95% confidence interval of {@code change}, or null
   * @param changeCiHigh upper end, or null
   * @param ratio how many times worse the candidate is (above 1 = worse, whichever direction is
   *     better), or null
   * @param ratioCiLow lower end of the 95% confidence interval of {@code ratio}, or null
   * @param ratioCiHigh upper end, or null
   * @param threshold the allowed worsening: a fraction, absolute for accuracy, or null
   * @param baselineSamples samples on the baseline side
   * @param candidateSamples samples on the candidate side
   * @param normalized candidate timings were normalized by the reference workload
   * @param detail why, in one line
   */
  public record Comparison(
      String entry,
      String metric,
      String unit,
      Kind kind,
      Better better,
      Verdict verdict,
      Method method,
      Double baseline,
      Double candidate,
      Double change,
      Double changeCiLow,
      Double changeCiHigh,
      Double ratio,
      Double ratioCiLow,
      Double ratioCiHigh,
      Double threshold,
      int baselineSamples,
      int candidateSamples,
      boolean normalized,
      String detail) {

    public Comparison {
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(verdict, "verdict");
      Objects.requireNonNull(method, "method");
      baseline = finite(baseline);
      candidate = finite(candidate);
      change = finite(change);
      changeCiLow = finite(changeCiLow);
      changeCiHigh = finite(changeCiHigh);
      ratio = finite(ratio);
      ratioCiLow = finite(ratioCiLow);
      ratioCiHigh = finite(ratioCiHigh);
    }

    /**
     * In the baseline, not in the results: {@code MISSING}. {@code baseline} is the baseline's
     * metric, or null for an entry without metrics ({@code metric} is then {@code (entry)}).
     */
    static Comparison missing(String entry, String metric, Metric baseline, String detail) {
      return new Comparison(
          entry,
          metric,
          baseline == null ? "" : baseline.unit(),
          baseline == null ? null : baseline.kind(),
          baseline == null ? null : baseline.better(),
          Verdict.MISSING,
          Method.NONE,
          baseline == null ? null : figure(baseline),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          baseline == null ? 0 : baseline.samples().size(),
          0,
          false,
          detail);
    }

    /** In the results, not in the baseline: {@code NEW}, never a failure. */
    static Comparison added(String entry, Metric candidate, String detail) {
      return new Comparison(
          entry,
          candidate.name(),
          candidate.unit(),
          candidate.kind(),
          candidate.better(),
          Verdict.NEW,
          Method.NONE,
          null,
          figure(candidate),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          0,
          candidate.samples().size(),
          false,
          detail);
    }

    /** The metric's kind, direction or unit changed: {@code FAIL}, nothing compared. */
    static Comparison incomparable(String entry, Metric baseline, Metric candidate, String detail) {
      return new Comparison(
          entry,
          baseline.name(),
          baseline.unit(),
          baseline.kind(),
          baseline.better(),
          Verdict.FAIL,
          Method.NONE,
          baseline.value(),
          candidate.value(),
          null,
          null,
          null,
          null,
          null,
          null,
          null,
          baseline.samples().size(),
          candidate.samples().size(),
          false,
          detail);
    }

    /**
     * Deterministic values compared exactly ({@code EXACT}): the two values, their {@code change}
     * (null when undefined) and the {@code threshold} applied.
     */
    static Comparison exact(
        String entry,
        Metric baseline,
        Metric candidate,
        boolean fail,
        Double change,
        double threshold,
        String detail) {
      return new Comparison(
          entry,
          baseline.name(),
          baseline.unit(),
          baseline.kind(),
          baseline.better(),
          fail ? Verdict.FAIL : Verdict.PASS,
          Method.EXACT,
          baseline.value(),
          candidate.value(),
          change,
          null,
          null,
          null,
          null,
          null,
          threshold,
          0,
          0,
          false,
          detail);
    }

    /**
     * A timing with too few samples for the bootstrap ({@code POINT}): the baseline value against
     * the candidate value as compared ({@code candidateFigure}, after normalization), and their
     * worse-ratio.
     */
    static Comparison point(
        String entry,
        Metric baseline,
        Metric candidate,
        boolean fail,
        double candidateFigure,
        double ratio,
        double threshold,
        boolean normalized,
        String detail) {
      return new Comparison(
          entry,
          baseline.name(),
          baseline.unit(),
          baseline.kind(),
          baseline.better(),
          fail ? Verdict.FAIL : Verdict.PASS,
          Method.POINT,
          baseline.value(),
          candidateFigure,
          Stats.ratio(candidateFigure, baseline.value()) - 1,
          null,
          null,
          ratio,
          null,
          null,
          threshold,
          baseline.samples().size(),
          candidate.samples().size(),
          normalized,
          detail);
    }

    /**
     * A timing compared by the ratio of medians and its bootstrap interval ({@code BOOTSTRAP}): the
     * medians as compared ({@code candidateMedian} after normalization), the worse-ratio and its
     * 95% interval {@code ratioCi}, and the change's interval {@code changeCi} in the metric's own
     * direction (each {@code {low, high}}).
     */
    static Comparison bootstrap(
        String entry,
        Metric baseline,
        Metric candidate,
        boolean fail,
        double baselineMedian,
        double candidateMedian,
        double ratio,
        double[] ratioCi,
        double[] changeCi,
        double threshold,
        boolean normalized,
        String detail) {
      return new Comparison(
          entry,
          baseline.name(),
          baseline.unit(),
          baseline.kind(),
          baseline.better(),
          fail ? Verdict.FAIL : Verdict.PASS,
          Method.BOOTSTRAP,
          baselineMedian,
          candidateMedian,
          Stats.ratio(candidateMedian, baselineMedian) - 1,
          changeCi[0],
          changeCi[1],
          ratio,
          ratioCi[0],
          ratioCi[1],
          threshold,
          baseline.samples().size(),
          candidate.samples().size(),
          normalized,
          detail);
    }

    /**
     * A timing judged by in-run paired rounds ({@code PAIRED}): {@code baselineFigure} is the
     * candidate's value undone by the paired ratio (what the baseline model measured, in this
     * metric's unit), {@code rounds} the number of paired rounds on both sides.
     */
    static Comparison paired(
        String entry,
        Metric baseline,
        Metric candidate,
        boolean fail,
        double baselineFigure,
        double ratio,
        double[] ratioCi,
        double[] changeCi,
        double threshold,
        int rounds,
        String detail) {
      return new Comparison(
          entry,
          baseline.name(),
          baseline.unit(),
          baseline.kind(),
          baseline.better(),
          fail ? Verdict.FAIL : Verdict.PASS,
          Method.PAIRED,
          baselineFigure,
          candidate.value(),
          Stats.ratio(candidate.value(), baselineFigure) - 1,
          changeCi[0],
          changeCi[1],
          ratio,
          ratioCi[0],
          ratioCi[1],
          threshold,
          rounds,
          rounds,
          false,
          detail);
    }

    /**
     * The figure a missing or new metric shows: the median of enough timing samples, else the
     * value.
     */
    private static double figure(Metric m) {
      return m.kind() == Kind.TIMING && m.samples().size() >= Gate.MIN_SAMPLES
          ? Stats.median(Stats.array(m.samples()))
          : m.value();
    }

    /** The baseline figure for people: {@code 22.1}, {@code 22,929,877}, or {@code -}. */
    public String baselineText() {
      return Fmt.number(baseline);
    }

    /** The candidate figure for people. */
    public String candidateText() {
      return Fmt.number(candidate);
    }

    /** {@code +20.1%}, {@code -0.5%}, {@code 0%}, or empty. */
    public String changeText() {
      return Fmt.percent(change);
    }

    /** The 95% confidence interval of the change, {@code [+18.0%, +22.3%]}, or empty. */
    public String ciText() {
      if (changeCiLow == null || changeCiHigh == null) {
        return "";
      }
      return "[" + Fmt.percent(changeCiLow) + ", " + Fmt.percent(changeCiHigh) + "]";
    }

    private static Double finite(Double v) {
      return v == null || !Double.isFinite(v) ? null : v;
    }
  }
}
