package dev.infercost.workflows;

import dev.infercost.base.Fmt;
import dev.infercost.base.InfercostException;
import dev.infercost.compress.CpuFeatures;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import dev.infercost.workflows.CompressReport.BoundResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code compress}: build the variant ({@link Variants}: quantize, save, evaluate against the input
 * on held-out data), profile both, check the bound, and write {@code report.json} and {@code
 * report.md}. The compressed model is written even when the bound is not met; the report says why.
 */
public final class CompressWorkflow {
  private CompressWorkflow() {}

  /**
   * Runs the request. The output folder is locked for the run (a second run into it is refused),
   * and a run that fails or is interrupted leaves none of its files behind.
   */
  public static CompressReport run(CompressRequest req, Consumer<String> progress)
      throws InfercostException {
    List<String> names =
        req.search().isPresent()
            ? List.of(
                Reports.JSON_FILE,
                Reports.MARKDOWN_FILE,
                "trials",
                req.recipe().fileName(),
                // The search may keep the input itself, copied under its fp32 name.
                Method.FP32.fileName())
            : List.of(Reports.JSON_FILE, Reports.MARKDOWN_FILE, req.recipe().fileName());
    req.checkOutputs(names);
    return Reports.inOutputSet(req.outDir(), names, dir -> run(req, dir, progress));
  }

  private static CompressReport run(CompressRequest req, Path outDir, Consumer<String> progress)
      throws InfercostException {
    DataPlan plan = req.plan();
    // Made before any work, so that inputs infercost cannot make up (strings) stop the run early.
    Search.Timing timing =
        req.measure() || req.search().isPresent() ? timing(req, plan, progress) : null;
    Target target = req.target().orElseGet(Target::host);
    BuiltVariant built;
    Search.Result search = null;
    if (req.search().isPresent()) {
      var budget = req.search().get();
      Search.Options o =
          new Search.Options(
              req.bound().orElseThrow(),
              target,
              req.quant().filter(),
              budget.maxTrials(),
              budget.timeBudget(),
              timing);
      Search.Outcome found =
          Search.run(
              req.model(),
              plan,
              req.metrics(),
              o,
              PricingInputs.catalog(Optional.empty()),
              outDir,
              req.threads(),
              progress);
      built = found.chosen();
      search = found.result();
    } else {
      built =
          Variants.of(req.model(), plan, req.metrics(), req.threads(), progress)
              .build(req.recipe(), outDir);
    }
    Path input = req.model().file();
    Path output = built.file();
    CompressReport.Latency latency =
        req.measure() ? latency(req, timing, input, output, progress) : null;
    CompressReport.BoundResult bound =
        req.bound().isPresent() ? bound(req, plan, built, progress) : null;
    Optional<String> unchanged = Unchanged.reason(built, input);
    List<CompressReport.PassSummary> passes =
        built.passes().stream().map(CompressReport.PassSummary::of).toList();
    CompressReport.Latency timed = target.gpu() ? null : latency;
    List<OpTable.Row> ops = OpTable.of(input, passes);
    // A search that kept the input wrote a copy of it: its speed and size against the input are
    // noise, and the search's own verdict says why it was kept.
    boolean keptInput = search != null && search.chosen() == Search.INPUT;
    String verdict =
        unchanged.isPresent()
            ? unchanged.get()
            : keptInput ? search.verdict() : verdict(built, input, timed, bound);
    CompressReport report =
        new CompressReport(
            Reports.SCHEMA,
            "compress",
            Reports.facts(input),
            Reports.facts(output),
            built.recipe().label(),
            CompressReport.typed(built.options()),
            CpuFeatures.int8InstructionSet(),
            passes,
            ops,
            built.seconds(),
            (double) built.bytes() / Reports.size(input),
            latency,
            built.fidelity().orElse(null),
            plan.calibrationSource(),
            bound,
            HostInfo.current(),
            target.describe(),
            unchanged.isPresent(),
            verdict,
            keptInput
                ? null
                : unchanged.isPresent()
                    ? OpTable.floatConvs(built, ops, search != null).orElse(null)
                    : nextStep(built, timed, bound, ops, search != null).orElse(null),
            search);
    Reports.writeReport(outDir, report, CompressMarkdown.render(report));
    return report;
  }

  /**
   * The answer first: how much faster (when {@code latency} was measured here; null for GPU
   * targets) and smaller the variant is, at what fidelity on how much data, and whether a bound was
   * checked.
   */
  static String verdict(
      BuiltVariant built, Path input, CompressReport.Latency latency, BoundResult bound)
      throws InfercostException {
    List<String> gains = new ArrayList<>();
    if (latency != null) {
      double speedup = 1 / latency.p50Ratio();
      gains.add(
          Math.abs(speedup - 1) < 0.005
              ? "as fast as the input"
              : speedup > 1
                  ? Fmt.times(speedup) + " faster"
                  : Fmt.times(1 / speedup) + " slower (median latency, this host)");
    }
    double shrink = (double) Reports.size(input) / built.bytes();
    gains.add(
        Math.abs(shrink - 1) < 0.005
            ? "the same size"
            : shrink > 1 ? Fmt.times(shrink) + " smaller" : Fmt.times(1 / shrink) + " larger");
    StringBuilder v = new StringBuilder(built.recipe().label()).append(" is ");
    v.append(String.join(" and ", gains));
    if (built.fidelity().isPresent()) {
      EvalReport f = built.fidelity().get();
      v.append(
          f.tokenLogits()
              ? String.format(Locale.ROOT, " at next-token agreement %.4f", f.top1Agreement())
              : String.format(Locale.ROOT, " at mean cosine %.5f", f.meanCosine()));
      if (f.accuracyDrop() != null) {
        v.append(
            String.format(
                Locale.ROOT,
                " (%s %.4f → %.4f)",
                f.accuracyName(),
                f.referenceAccuracy(),
                f.candidateAccuracy()));
      }
      v.append(" on ").append(f.samples()).append(" held-out samples");
    } else {
      v.append("; fidelity not measured (no held-out data)");
    }
    if (bound == null) {
      v.append("; no accuracy bound was set.");
    } else {
      v.append(bound.met() ? "; bound met: " : "; bound NOT met: ").append(bound.reason());
    }
    return v.toString();
  }

  /**
   * {@code built} checked against the request's bound. A variant that misses it is explained: by an
   * output computed through a step of the model's own values (a min-cosine bound), and by the input
   * model's own stability ({@link Stability}): when the input model against itself misses the bound
   * once its float inputs move by noise nobody would see, the bound measures the model, not the
   * compression.
   */
  private static BoundResult bound(
      CompressRequest req, DataPlan plan, BuiltVariant built, Consumer<String> progress)
      throws InfercostException {
    Bound b = req.bound().orElseThrow();
    if (built.fidelity().isEmpty() || plan.evaluation().isEmpty()) {
      return new BoundResult(
          b.kind(), b.value(), false, "not evaluated: no evaluation data given", null);
    }
    Bound.Check c = b.check(built.fidelity().get());
    if (c.met()) {
      return new BoundResult(b.kind(), b.value(), true, c.reason(), null);
    }
    Path input = req.model().file();
    Optional<String> step =
        b instanceof Bound.MinCosine ? stepped(input, built.fidelity().get()) : Optional.empty();
    String reason = c.reason() + step.map(s -> "; " + s).orElse("");
    // A measure with no value (an accuracy bound without usable labels) has nothing to hold.
    Optional<Stability> own =
        Double.isFinite(c.observed())
            ? Stability.of(
                req.model().path(),
                plan.evaluation().get(),
                b,
                req.metrics(),
                req.threads(),
                progress)
            : Optional.empty();
    if (own.isPresent() && own.get().verdict() == Stability.Verdict.MISSES) {
      reason +=
          "; "
              + own.get().tighter(b)
              + (step.isPresent() || !(b instanceof Bound.MinCosine)
                  ? ""
                  : ", so bound a task metric instead (--metric NAME --max-metric-drop X)");
    }
    return new BoundResult(b.kind(), b.value(), false, reason, own.orElse(null));
  }

  /**
   * When the output furthest from the input's is computed through a step of the model's own values
   * (a comparison, an index, a rounding), why its cosine can miss a bound the model's task still
   * meets, and what to bound instead.
   */
  static Optional<String> stepped(Path model, EvalReport f) throws InfercostException {
    Optional<EvalReport.OutputCosine> worst =
        f.outputs().stream().min(Comparator.comparingDouble(EvalReport.OutputCosine::meanCosine));
    if (worst.isEmpty()) {
      return Optional.empty();
    }
    String step = Models.loadOnnxGraph(model).steppedOutputs().get(worst.get().name());
    return Optional.ofNullable(step)
        .map(
            s ->
                String.format(
                    Locale.ROOT,
                    "output '%s' is computed through %s of the model's own values: a small"
                        + " change can move it by a whole step, so bound a task metric on it"
                        + " instead (--metric NAME --max-metric-drop X)",
                    worst.get().name(),
                    s));
  }

  /**
   * What a person should do after reading the verdict, if anything; {@code ops} is the op table of
   * the passes (which says what int8-dynamic left in float), {@code searched} whether the variant
   * is what {@code --method auto} kept.
   */
  static Optional<String> nextStep(
      BuiltVariant built,
      CompressReport.Latency latency,
      BoundResult bound,
      List<OpTable.Row> ops,
      boolean searched) {
    List<String> steps = new ArrayList<>();
    OpTable.floatConvs(built, ops, searched).ifPresent(steps::add);
    Optional<EvalReport> f = built.fidelity();
    if (f.isEmpty()) {
      steps.add("pass --data FILE (held-out inputs) to measure fidelity against the input");
    } else if (bound == null && f.get().accuracyDrop() != null) {
      steps.add(
          "add --max-accuracy-drop 0.01 (or your own bound) to have it checked; exit 1 when"
              + " missed");
    } else if (bound == null) {
      steps.add(
          lenientCosine(f, null)
              .orElse(
                  "add --min-cosine 0.99 (or your own bound) to have it checked; exit 1 when"
                      + " missed"));
    } else {
      Stability own = bound.stability();
      if (own != null && own.verdict() == Stability.Verdict.MISSES) {
        steps.add(
            bound.kind().equals(Bound.MinCosine.KIND)
                ? "bound a task metric on what the model is for (--metric NAME --max-metric-drop"
                    + " X): its outputs move more than this bound allows under input noise alone"
                : String.format(
                    Locale.ROOT,
                    "loosen the bound past %s, the input model's own loss under input noise alone",
                    Fmt.sig(own.loss())));
      } else if (!bound.met() && !searched) {
        steps.add(
            "try --method auto with the same bound: it searches calibrations and keeps the most"
                + " sensitive layers in fp32");
      }
      lenientCosine(f, bound).ifPresent(steps::add);
      if (bound.kind().equals(Bound.MaxAccuracyDrop.KIND)) {
        f.get().unresolvedDrop(bound.value()).ifPresent(steps::add);
      }
    }
    if (latency != null && latency.p50Ratio() > 1.005) {
      steps.add(
          "it is slower than the input on this host: run `infercost choose` to price both before"
              + " deploying it");
    }
    return steps.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", steps));
  }

  /**
   * {@link EvalReport#lenientCosine()} when cosine is what judges the variant: its bound, or no
   * bound.
   */
  static Optional<String> lenientCosine(Optional<EvalReport> f, BoundResult bound) {
    return bound != null && !bound.kind().equals(Bound.MinCosine.KIND)
        ? Optional.empty()
        : f.flatMap(EvalReport::lenientCosine);
  }

  /**
   * The inputs the model is timed on: the shapes given, else the data's, else made-up inputs at the
   * model's own shapes (unnamed dimensions at their defaults).
   */
  private static Search.Timing timing(CompressRequest req, DataPlan plan, Consumer<String> progress)
      throws InfercostException {
    boolean fromData =
        req.shapes().isEmpty() && (plan.evaluation().isPresent() || !plan.calibration().isEmpty());
    return fromData
        ? Search.Timing.of(plan)
        : Search.Timing.synthetic(
            SideBySide.syntheticInputs(
                req.model().file().toString(), req.shapes(), n -> progress.accept("note: " + n)));
  }

  private static CompressReport.Latency latency(
      CompressRequest req, Search.Timing timing, Path before, Path after, Consumer<String> progress)
      throws InfercostException {
    ProfileOptions o =
        ProfileOptions.builder()
            .optThreads(req.threads())
            .optWarmup(10, 0)
            .optSampling(10, 2_000, 120_000)
            .build();
    List<Tensor> inputs = timing.inputs();
    List<LatencyStats> s =
        SideBySide.measure(List.of(before.toString(), after.toString()), inputs, o, 8, progress)
            .stream()
            .map(SideBySide.Result::stats)
            .toList();
    Map<String, List<Long>> shapes = new LinkedHashMap<>();
    inputs.forEach(t -> shapes.put(t.name(), Arrays.stream(t.shape()).boxed().toList()));
    return new CompressReport.Latency(
        "measured on this host, interleaved (8 rounds), "
            + req.threads()
            + " thread(s), on "
            + timing.words(),
        "ms",
        req.threads(),
        shapes,
        s.get(0),
        s.get(1),
        s.get(1).p50() / s.get(0).p50());
  }
}
