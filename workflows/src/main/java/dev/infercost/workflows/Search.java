package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.compress.CalibrationMethod;
import dev.infercost.compress.NodeFilter;
import dev.infercost.compress.PassContext;
import dev.infercost.compress.PassSummary;
import dev.infercost.compress.QuantOptions;
import dev.infercost.compress.StaticOptions;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.Figure;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.cost.Projection;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.MetricSet;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The accuracy-aware search behind {@code compress --method auto}: candidate recipes for the target
 * (CPU: integer-kernel int8 with the target's weight range; GPU: int8 in QDQ form and fp16), with
 * and without SmoothQuant, built and evaluated on the held-out data in order of predicted speed;
 * when none meets the bound, layers are kept in fp32: the 1, 2, 4, ... most sensitive ones
 * (quantized one at a time) and the first eighth, quarter and half in graph order (the stem),
 * fewest first, each tried unless it keeps a superset of one that met the bound. When a trial meets
 * the bound and the plan has calibration data, structured pruning is tried before the first such
 * trial's recipe ({@link #PRUNE_RATIOS} of the prunable MACs, mildest first) until one misses the
 * bound. Every trial is measured side by side with the input (CPU targets: here, at the requested
 * threads) or projected onto the target (GPU targets: roofline, labelled estimated), and the
 * fastest trial that meets the bound wins. If none meets it, the closest one is kept and the result
 * says by how much it misses. Bounded by a trial count and a time budget.
 */
public final class Search {
  /** Samples of the held-out data that per-layer sensitivity is measured on. */
  static final int SENSITIVITY_SAMPLES = 128;

  /** Share of the time budget per-layer sensitivity may use. */
  static final double SENSITIVITY_SHARE = 0.4;

  /** Pruning ratios tried in turn (share of the prunable MACs removed), mildest first. */
  static final double[] PRUNE_RATIOS = {0.1, 0.2, 0.3, 0.5};

  private Search() {}

  /**
   * What to search for.
   *
   * @param bound the accuracy bound a trial must meet
   * @param target the hardware the model is for
   * @param filter the nodes that may be quantized at all
   * @param maxTrials most variants built (per-layer sensitivity builds do not count)
   * @param timeBudget wall time for the trials: none starts that would end past it if it took as
   *     long as the longest trial so far (the side-by-side measurement of the trials comes after)
   * @param timing the inputs the trials are timed on (CPU targets) or projected at (GPU targets):
   *     the shapes the model will serve
   */
  public record Options(
      Bound bound,
      Target target,
      NodeFilter filter,
      int maxTrials,
      Duration timeBudget,
      Timing timing) {
    public Options {
      if (maxTrials < 1) {
        throw new IllegalArgumentException("the search needs at least 1 trial, got " + maxTrials);
      }
      if (timeBudget.isNegative() || timeBudget.isZero()) {
        throw new IllegalArgumentException("the time budget must be positive, got " + timeBudget);
      }
    }
  }

  /**
   * One variant the search built.
   *
   * @param number 1-based, in build order
   * @param config the recipe in words
   * @param method the variant kind
   * @param file where it was built
   * @param bytes its size
   * @param fidelity against the input on the held-out data
   * @param loss on the bound's measure (accuracy drop, or 1 − mean cosine)
   * @param met whether it meets the bound
   * @param rewritten nodes the quantizing passes rewrote (0: the trial changed nothing)
   * @param speed inferences/s: measured here (CPU targets) or projected (GPU targets), with how
   * @param speedup speed ÷ the input's speed on the same footing
   * @param fasterThanInput whether it runs faster than the input beyond the measurement's noise
   *     (measured: the 95% confidence interval of its median latency lies wholly below the input's;
   *     projected: faster)
   */
  public record Trial(
      int number,
      String config,
      String method,
      String file,
      long bytes,
      EvalReport fidelity,
      double loss,
      boolean met,
      int rewritten,
      Figure speed,
      Double speedup,
      boolean fasterThanInput) {
    /** {@link #speed}'s inferences/s, 0 where it is unknown. */
    double speedOrZero() {
      return speed == null ? 0 : speed.value();
    }
  }

  /**
   * The loss from quantizing one layer alone.
   *
   * @param node the node's name
   * @param loss the fidelity loss on the sensitivity samples ({@link EvalReport#fidelityLoss}: 1 −
   *     mean cosine, or for a language model 1 − next-token agreement; {@link
   *     Result#sensitivityLoss} says which)
   * @param boundLoss on the bound's own measure (the accuracy drop, the task metric's drop, 1 −
   *     mean cosine): layers are ranked by it, {@code loss} breaking ties
   */
  public record LayerSensitivity(String node, double loss, double boundLoss) {}

  /**
   * The search's findings, for the report.
   *
   * @param target what the model was built for
   * @param bound the bound, in words
   * @param trials every trial, in build order
   * @param chosen the kept trial's number, or {@link #INPUT} when no trial in bound ran faster than
   *     the input and the input was kept
   * @param met whether the kept trial meets the bound
   * @param verdict one line: what was kept and why, or by how much the closest misses
   * @param sensitivity layers most harmful first, when measured
   * @param sensitivityMethod how sensitivity was measured (or why not)
   * @param sensitivityLoss what {@link LayerSensitivity#loss()} is: {@code 1 − mean cosine}, or
   *     {@code 1 − next-token agreement} for a language model's logits
   * @param pruning which pruning trials were built before which recipe and why they stopped, or why
   *     none were
   * @param seconds wall time of the search
   */
  public record Result(
      String target,
      String bound,
      List<Trial> trials,
      int chosen,
      boolean met,
      String verdict,
      List<LayerSensitivity> sensitivity,
      String sensitivityMethod,
      String sensitivityLoss,
      String pruning,
      double seconds) {
    public Result {
      trials = List.copyOf(trials);
      sensitivity = List.copyOf(sensitivity);
    }
  }

  /**
   * What {@link #run} returns: the findings and the kept variant.
   *
   * @param result the findings
   * @param chosen the kept variant, its file copied into the output folder
   * @param trials every trial's variant, in build order (trial n at index n − 1), where it was
   *     built
   */
  public record Outcome(Result result, BuiltVariant chosen, List<BuiltVariant> trials) {
    public Outcome {
      trials = List.copyOf(trials);
    }
  }

  /**
   * The inputs a model is timed on, and where they come from in words.
   *
   * @param inputs one tensor per model input, the batch included
   * @param words for the report: "the data's median-size batch" or "synthetic inputs"
   */
  public record Timing(List<Tensor> inputs, String words) {
    public Timing {
      inputs = List.copyOf(inputs);
    }

    /**
     * A batch of the data, so the shapes measured are the ones the model will see: of the held-out
     * batches (else the calibration ones) the one of median size — text batches hold one sentence
     * each and their lengths vary, so the first one can be far shorter than typical.
     */
    public static Timing of(DataPlan plan) {
      List<List<Tensor>> batches =
          plan.evaluation().isPresent() ? plan.evaluation().get().batches() : plan.calibration();
      List<List<Tensor>> sorted = new ArrayList<>(batches);
      sorted.sort(Comparator.comparingLong(b -> Tensor.elementCount(b.get(0).shape())));
      return new Timing(sorted.get(sorted.size() / 2), "the data's median-size batch");
    }

    /** Made-up inputs ({@link SideBySide#syntheticInputs}). */
    public static Timing synthetic(List<Tensor> inputs) {
      return new Timing(inputs, "synthetic inputs");
    }
  }

  private record Candidate(String config, Recipe recipe) {}

  private record Built(Candidate candidate, BuiltVariant variant, double loss, boolean met) {}

  /**
   * Searches {@code model}'s variants for {@code options.target()} and writes the kept one into
   * {@code outDir} (trials under {@code outDir/trials}).
   *
   * @param catalog for GPU targets' projections
   * @param threads intra-op threads for evaluation and (CPU targets) measurement
   */
  public static Outcome run(
      ModelRef model,
      DataPlan plan,
      MetricSet metrics,
      Options options,
      Catalog catalog,
      Path outDir,
      int threads,
      Consumer<String> progress)
      throws InfercostException {
    if (plan.evaluation().isEmpty()) {
      throw new InfercostException(
          model.name() + ": an automatic search needs held-out data to check the bound against",
          Parameter.EVAL_DATA);
    }
    long t0 = System.nanoTime();
    long deadline = t0 + options.timeBudget().toNanos();
    Variants variants = Variants.of(model, plan, metrics, threads, progress);
    Path trialsDir = Reports.outDir(outDir.resolve("trials"));
    Trials run = new Trials(variants, options, trialsDir, deadline, progress);
    List<Built> built = run.built;
    // A method that rewrote no layer a clip or SmoothQuant can change (int8-static of a model whose
    // MatMuls all sit in If branches, its 8-bit embeddings aside) builds the same model with its
    // other clips and SmoothQuant settings: they would spend trials on copies.
    Set<Method> quantizedNothing = EnumSet.noneOf(Method.class);
    // Static int8's clips differ only in their scales: once one meets the bound, the others build
    // the same graph, no faster. They might reach a lower loss, but trials are few: they go to the
    // other methods, which may run faster.
    Optional<Integer> staticMet = Optional.empty();
    for (Candidate c : candidates(options, !plan.calibration().isEmpty())) {
      // However short the budget, the first candidate is built: a search returns a trial.
      if (run.full() && !built.isEmpty()) {
        break;
      }
      if (quantizedNothing.contains(c.recipe().method())) {
        progress.accept(
            "skipped "
                + c.config()
                + ": an earlier trial of it quantized no layer that a clip or SmoothQuant changes");
        continue;
      }
      boolean isStatic = c.recipe() instanceof Recipe.Int8Static;
      if (isStatic && staticMet.isPresent()) {
        progress.accept(
            "skipped "
                + c.config()
                + ": trial "
                + staticMet.get()
                + " meets the bound with another clip of the same graph, which runs as fast");
        continue;
      }
      Built b = run.add(c);
      if (calibrated(b.variant()) == 0) {
        quantizedNothing.add(c.recipe().method());
      } else if (isStatic && b.met()) {
        staticMet = Optional.of(built.size());
      }
    }
    List<LayerSensitivity> sensitivity = List.of();
    String sensitivityMethod =
        "not measured: no trial built so far quantizes a layer (8-bit embeddings aside)";
    String sensitivityLoss = built.get(0).variant().fidelity().orElseThrow().fidelityLossName();
    Optional<Built> base =
        built.stream()
            .filter(b -> calibrated(b.variant()) > 0)
            .filter(b -> b.variant().method() != Method.FP16)
            .min(Comparator.comparingDouble(Built::loss));
    if (base.isPresent()) {
      long sensitivityDeadline =
          System.nanoTime() + (long) ((deadline - System.nanoTime()) * SENSITIVITY_SHARE);
      EvalData heldOut = plan.evaluation().get();
      DataPlan subset =
          new DataPlan(
              plan.calibration(),
              plan.calibrationSource(),
              Optional.of(heldOut.firstBatches(batchesFor(heldOut, SENSITIVITY_SAMPLES))));
      // A task metric's labels (--metric-labels) cover every held-out sample, not the first few:
      // on a subset the layers are ranked by cosine alone.
      boolean onBound =
          subset.evaluation().get().samples() == heldOut.samples()
              || !(options.bound() instanceof Bound.MaxMetricDrop);
      sensitivity =
          sensitivity(
              model,
              base.get(),
              subset,
              onBound ? metrics : MetricSet.none(),
              onBound ? options.bound() : Bound.minCosine(0),
              threads,
              trialsDir,
              sensitivityDeadline,
              progress);
      sensitivityMethod =
          String.format(
              Locale.ROOT,
              "each of %d layers of trial %d's recipe quantized alone (without SmoothQuant),"
                  + " ranked by %s on the first %d held-out samples%s",
              rewrittenNodes(base.get().variant()).size(),
              built.indexOf(base.get()) + 1,
              onBound
                  ? "the loss on "
                      + options.bound().kind()
                      + " ("
                      + sensitivityLoss
                      + " breaking ties)"
                  : sensitivityLoss + " (the task metric's labels are for all of them)",
              subset.evaluation().get().samples(),
              sensitivity.size() < rewrittenNodes(base.get().variant()).size()
                  ? "; stopped after " + sensitivity.size() + " layers at the time budget"
                  : "");
    }
    // A trial that quantizes nothing (int8-dynamic of a CNN without MatMul) meets any bound but is
    // the input: it does not stop the search from keeping layers in fp32. Fallbacks run until one
    // meets the bound, then pruning gets its trials, then the other fallbacks: one that keeps a
    // superset of a met one's layers in fp32 can only be slower and is skipped, the others may not
    // (a contiguous stem converts between int8 and fp32 once, so it may run faster than fewer
    // layers scattered through the graph).
    List<Fallback> fallbacks =
        built.stream().noneMatch(b -> b.met() && rewritten(b.variant()) > 0)
                && base.isPresent()
                && !sensitivity.isEmpty()
            ? fallbacks(base.get(), sensitivity)
            : List.of();
    Iterator<Fallback> rest = fallbacks.iterator();
    List<Set<String>> metSets = new ArrayList<>();
    run.fallbacks(rest, true, metSets);
    Optional<Built> fewestInFp32 =
        metSets.isEmpty()
            ? Optional.empty()
            : Optional.of(narrow(run, base.get(), sensitivity, metSets));
    String pruning = prune(run, plan, fewestInFp32);
    run.fallbacks(rest, false, metSets);
    List<Figure> speeds = new ArrayList<>();
    List<Boolean> faster = new ArrayList<>();
    List<double[]> intervals = new ArrayList<>();
    Figure reference =
        speeds(model, built, options, catalog, threads, speeds, faster, intervals, progress);
    List<Trial> trials = new ArrayList<>();
    for (int i = 0; i < built.size(); i++) {
      Built b = built.get(i);
      Figure s = speeds.get(i);
      trials.add(
          new Trial(
              i + 1,
              b.candidate().config(),
              b.variant().recipe().label(),
              b.variant().file().toString(),
              b.variant().bytes(),
              b.variant().fidelity().orElseThrow(),
              b.loss(),
              b.met(),
              rewritten(b.variant()),
              s,
              s == null || reference == null ? null : s.value() / reference.value(),
              faster.get(i)));
    }
    int chosen = choose(trials, intervals);
    Trial t = trials.get(chosen);
    // The input meets every bound: when no trial in bound runs faster than it on the target (beyond
    // the measurement's noise), the fastest variant in bound is the input itself.
    boolean keepInput = t.met() && t.speedup() != null && !t.fasterThanInput();
    String verdict =
        keepInput
            ? String.format(
                Locale.ROOT,
                "kept the input unchanged: no trial that meets %s runs faster than it on the"
                    + " target beyond the measurement's 95%% confidence interval (the fastest,"
                    + " trial %d (%s), runs at %.2fx the input's speed)",
                describe(options.bound()),
                t.number(),
                t.config(),
                t.speedup())
            : verdict(trials, t, options.bound());
    BuiltVariant kept =
        keepInput ? variants.build(new Recipe.Fp32(), trialsDir) : built.get(chosen).variant();
    Path file = outDir.resolve(kept.recipe().fileName());
    Models.copyOnnx(kept.file(), file);
    progress.accept(verdict);
    return new Outcome(
        new Result(
            options.target().describe(),
            describe(options.bound()),
            trials,
            keepInput ? INPUT : t.number(),
            t.met(),
            verdict,
            sensitivity,
            sensitivityMethod,
            sensitivityLoss,
            pruning,
            (System.nanoTime() - t0) / 1e9),
        kept.at(file),
        built.stream().map(Built::variant).toList());
  }

  /** {@link Result#chosen} when the input itself was kept. */
  public static final int INPUT = 0;

  /** The candidates for the target, in order of predicted speed (fastest first). */
  private static List<Candidate> candidates(Options o, boolean calibration) {
    List<Candidate> out = new ArrayList<>();
    Target t = o.target();
    if (t.gpu()) {
      if (calibration) {
        out.add(
            new Candidate(
                "int8-qdq, SmoothQuant auto",
                new Recipe.Int8Qdq(quant(o, t, PassContext.AUTO_ALPHA))));
        out.add(new Candidate("int8-qdq, no SmoothQuant", new Recipe.Int8Qdq(quant(o, t, 0))));
      }
      out.add(new Candidate(Method.FP16.label(), Recipe.of(Method.FP16)));
      return out;
    }
    String bits = t.reducedRange() ? "7-bit" : "8-bit";
    if (calibration) {
      // Static int8 runs every supported op in integer kernels, with no per-call quantization:
      // predicted fastest. One calibration serves all four clip methods, tried in the order of
      // their summed loss ranks on the real models measured (benchmarks/README.md: MSE lowest on
      // three of two CNNs and two encoders, percentile on one, entropy's loss 5 to 12 times the
      // best), so that a clip that meets the bound skips the likelier-worse ones after it.
      for (CalibrationMethod m :
          List.of(
              CalibrationMethod.MSE,
              CalibrationMethod.PERCENTILE,
              CalibrationMethod.MIN_MAX,
              CalibrationMethod.ENTROPY)) {
        out.add(
            new Candidate(
                "int8-static, "
                    + bits
                    + " weights, "
                    + m.name().toLowerCase(Locale.ROOT).replace('_', '-')
                    + " clip",
                new Recipe.Int8Static(
                    StaticOptions.builder()
                        .optFilter(o.filter())
                        .optMethod(m)
                        .optReducedRange(t.reducedRange())
                        .build())));
      }

      out.add(
          new Candidate(
              "int8-dynamic, " + bits + " weights, SmoothQuant auto",
              new Recipe.Int8Dynamic(quant(o, t, PassContext.AUTO_ALPHA))));
    }
    out.add(
        new Candidate(
            "int8-dynamic, " + bits + " weights, no SmoothQuant",
            new Recipe.Int8Dynamic(quant(o, t, 0))));
    return out;
  }

  /**
   * Prunes before the first trial in build order that meets the bound and quantized something (of
   * the candidates, the predicted fastest: they come in that order), or before {@code fallback},
   * the fallback in bound that keeps the fewest layers in fp32, {@link #PRUNE_RATIOS} in turn,
   * adding each as a trial until one misses the bound (more pruning loses more), one fails (the
   * trials built so far are kept), or the trial count or time runs out. A trial in bound that
   * quantized nothing (dynamic int8 of a model without MatMul) is the input: pruning alone is tried
   * then. Says what was done, or why nothing was.
   */
  private static String prune(Trials run, DataPlan plan, Optional<Built> fallback)
      throws InfercostException {
    List<Built> built = run.built;
    Optional<Built> base =
        fallback.isPresent()
            ? fallback
            : built.stream().filter(b -> b.met() && rewritten(b.variant()) != 0).findFirst();
    if (built.stream().noneMatch(Built::met)) {
      return "not tried: no trial meets the bound, and pruning only adds to the loss";
    }
    if (plan.calibration().isEmpty()) {
      return "not tried: pruning scores units on calibration data, and there is none";
    }
    Recipe then = base.map(b -> b.candidate().recipe()).orElse(new Recipe.Fp32());
    String thenConfig = base.map(b -> "then " + b.candidate().config()).orElse("no int8");
    String before =
        base.map(b -> "before trial " + (built.indexOf(b) + 1) + "'s recipe")
            .orElse("alone (no trial in bound quantized anything)");
    List<String> tried = new ArrayList<>();
    String stop = "every ratio met the bound";
    for (double r : PRUNE_RATIOS) {
      if (run.full()) {
        stop = "stopped at the trial count or the time budget";
        break;
      }
      String pct = String.format(Locale.ROOT, "%.0f%%", r * 100);
      Candidate c =
          new Candidate(
              "pruned " + pct + " of the prunable MACs, " + thenConfig,
              new Recipe.Pruned(r, run.options.filter(), then));
      Built b;
      try {
        b = run.add(c);
      } catch (InfercostException | RuntimeException e) {
        if (e instanceof CancellationException) {
          throw e; // the process is stopping
        }
        // Pruning is an extra the search tries: a model it cannot prune (nothing prunable, or a
        // structure it trips over) keeps the trials already built. A programming error is named
        // as one, with where it happened, rather than sinking the search.
        String why =
            e instanceof InfercostException
                ? e.getMessage()
                : "a bug in infercost's pruning (please report it): " + e + " at " + where(e);
        stop = "pruning " + pct + " failed: " + why;
        run.progress.accept(stop);
        run.discard(built.size() + 1);
        break;
      }
      tried.add(pct);
      if (!b.met()) {
        stop = "stopped at " + pct + ", which misses the bound";
        break;
      }
    }
    return tried.isEmpty()
        ? "none built: " + stop
        : "pruned " + String.join(", ", tried) + " of the prunable MACs " + before + "; " + stop;
  }

  /** The first stack frame of {@code e}, for a report line. */
  private static String where(Throwable e) {
    StackTraceElement[] st = e.getStackTrace();
    return st.length == 0 ? "an unknown place" : st[0].toString();
  }

  /** The trials of one search as they are built, and what bounds them. */
  private static final class Trials {
    final List<Built> built = new ArrayList<>();
    final Variants variants;
    final Options options;
    final Path dir;
    final long deadline;
    final Consumer<String> progress;

    /** The longest a trial has taken so far (ns). */
    private long longest;

    Trials(Variants variants, Options options, Path dir, long deadline, Consumer<String> progress) {
      this.variants = variants;
      this.options = options;
      this.dir = dir;
      this.deadline = deadline;
      this.progress = progress;
    }

    /**
     * Whether the trial count is spent, or the time budget: no trial starts that would end past the
     * deadline if it took as long as the longest so far.
     */
    boolean full() {
      return built.size() >= options.maxTrials() || System.nanoTime() + longest > deadline;
    }

    /** Builds and evaluates {@code c} as the next trial and keeps it. */
    Built add(Candidate c) throws InfercostException {
      long t0 = System.nanoTime();
      int number = built.size() + 1;
      progress.accept("trial " + number + ": " + c.config());
      BuiltVariant v = variants.build(c.recipe(), folder(number));
      EvalReport f = v.fidelity().orElseThrow();
      double loss = options.bound().loss(f);
      boolean met = options.bound().check(f).met();
      progress.accept(
          String.format(
              Locale.ROOT,
              "trial %d: %s the bound (loss %.5f, %d nodes quantized)",
              number,
              met ? "meets" : "misses",
              loss,
              rewritten(v)));
      Built b = new Built(c, v, loss, met);
      built.add(b);
      longest = Math.max(longest, System.nanoTime() - t0);
      return b;
    }

    /**
     * Tries {@code rest} in turn, skipping a fallback that keeps a superset of a met one's layers
     * ({@code met}, added to), until the trials run out, or with {@code untilMet} one meets.
     */
    void fallbacks(Iterator<Fallback> rest, boolean untilMet, List<Set<String>> met)
        throws InfercostException {
      while (rest.hasNext() && !full()) {
        Fallback f = rest.next();
        if (met.stream().anyMatch(f.nodes()::containsAll)) {
          continue;
        }
        if (add(f.candidate()).met()) {
          met.add(f.nodes());
          if (untilMet) {
            return;
          }
        }
      }
    }

    /** Removes what a trial that failed left in its folder. */
    void discard(int number) {
      Path folder = folder(number);
      try (Stream<Path> s = Files.exists(folder) ? Files.walk(folder) : Stream.empty()) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      } catch (IOException e) {
        progress.accept("note: could not remove " + folder + ": " + e.getMessage());
      }
    }

    private Path folder(int number) {
      return dir.resolve(String.format("%02d", number));
    }
  }

  private static QuantOptions quant(Options o, Target t, double alpha) {
    return new QuantOptions(o.filter(), true, t.reducedRange(), true, alpha);
  }

  /**
   * What to keep in fp32 when no trial meets the bound, fewest layers first: the 1, 2, 4, ... most
   * sensitive layers (each measured alone), and — since quantization error builds up from the
   * input, which layers measured alone do not show — the first eighth, quarter and half of the
   * quantized layers in graph order (the stem). Keeping every layer is the input itself: each list
   * stops one short of that.
   */
  private static List<Fallback> fallbacks(Built base, List<LayerSensitivity> sensitivity) {
    List<String> order = rewrittenNodes(base.variant());
    List<Fallback> keeps = new ArrayList<>();
    List<String> ranked = sensitivity.stream().map(LayerSensitivity::node).toList();
    for (int k = 1; k < ranked.size(); k *= 2) {
      keeps.add(mostSensitive(base, ranked.subList(0, k)));
    }
    for (int d : new int[] {8, 4, 2}) {
      int k = Math.max(1, order.size() / d);
      if (k < order.size()
          && keeps.stream().noneMatch(x -> x.nodes().equals(Set.copyOf(order.subList(0, k))))) {
        List<String> nodes = order.subList(0, k);
        String which =
            "the first " + k + " of " + order.size() + " layers (graph order) kept in fp32";
        keeps.add(new Fallback(Set.copyOf(nodes), excluding(base.candidate(), nodes, which)));
      }
    }
    // Stable: at equal counts the sensitivity list comes first.
    keeps.sort(Comparator.comparingInt(x -> x.nodes().size()));
    return keeps;
  }

  /**
   * When the first fallback in bound keeps the k most sensitive layers in fp32 (k from 1, 2, 4,
   * ..., so k / 2 missed), halves the gap between k / 2 and k while trials remain: every layer kept
   * in fp32 costs speed, so the fewest of the most sensitive layers that meet the bound run
   * fastest. Each one that meets is added to {@code met}. Returns the trial in bound with the
   * fewest layers in fp32: the last one built that met, since the fallback that met comes last when
   * the search gets here and each one that meets after it keeps fewer layers.
   */
  private static Built narrow(
      Trials run, Built base, List<LayerSensitivity> sensitivity, List<Set<String>> met)
      throws InfercostException {
    List<String> ranked = sensitivity.stream().map(LayerSensitivity::node).toList();
    int hi = met.get(0).size();
    // Not when a stem fallback met first.
    if (hi <= ranked.size() && met.get(0).equals(Set.copyOf(ranked.subList(0, hi)))) {
      fewest(
          hi / 2,
          hi,
          k -> {
            Fallback f = mostSensitive(base, ranked.subList(0, k));
            boolean in = run.add(f.candidate()).met();
            if (in) {
              met.add(f.nodes());
            }
            return in;
          },
          () -> !run.full());
    }
    for (int i = run.built.size() - 1; ; i--) {
      if (run.built.get(i).met()) {
        return run.built.get(i);
      }
    }
  }

  /** Whether the trial with k layers kept in fp32 meets the bound. */
  @FunctionalInterface
  interface Meets {
    boolean test(int k) throws InfercostException;
  }

  /**
   * The fewest k in (lo, hi] seen to meet the bound, {@code lo} having missed and {@code hi} met:
   * tries {@code (lo + hi) / 2} and keeps the half the answer lies in, while {@code more} says
   * trials remain.
   */
  static int fewest(int lo, int hi, Meets meets, BooleanSupplier more) throws InfercostException {
    while (hi - lo > 1 && more.getAsBoolean()) {
      int k = (lo + hi) / 2;
      if (meets.test(k)) {
        hi = k;
      } else {
        lo = k;
      }
    }
    return hi;
  }

  /** {@code base}'s recipe with {@code nodes}, the most sensitive layers, kept in fp32. */
  private static Fallback mostSensitive(Built base, List<String> nodes) {
    int k = nodes.size();
    String which =
        k + (k == 1 ? " layer" : " layers") + " kept in fp32 (" + String.join(", ", nodes) + ")";
    return new Fallback(Set.copyOf(nodes), excluding(base.candidate(), nodes, which));
  }

  /** A fallback: the layers it keeps in fp32, and the candidate that does. */
  private record Fallback(Set<String> nodes, Candidate candidate) {}

  /** {@code c} with {@code nodes} kept in fp32, {@code which} saying so in its configuration. */
  private static Candidate excluding(Candidate c, List<String> nodes, String which) {
    return new Candidate(
        c.config() + ", " + which, withFilter(c.recipe(), f -> f.excluding(nodes)));
  }

  /** {@code r} with its node filter replaced by {@code change} applied to it. */
  private static Recipe withFilter(Recipe r, UnaryOperator<NodeFilter> change) {
    if (r instanceof Recipe.Int8Dynamic d) {
      QuantOptions q = d.quant();
      return new Recipe.Int8Dynamic(with(q, change.apply(q.filter()), q.smoothAlpha()));
    }
    if (r instanceof Recipe.Int8Qdq d) {
      QuantOptions q = d.quant();
      return new Recipe.Int8Qdq(with(q, change.apply(q.filter()), q.smoothAlpha()));
    }
    if (r instanceof Recipe.Int8Static d) {
      return new Recipe.Int8Static(d.options().withFilter(change.apply(d.options().filter())));
    }
    throw new IllegalArgumentException("no node filter on " + r);
  }

  private static QuantOptions with(QuantOptions q, NodeFilter filter, double alpha) {
    return new QuantOptions(filter, q.perChannel(), q.reducedRange(), q.embeddings(), alpha);
  }

  /**
   * Passes that prepare a graph without compressing it, or tidy it after: canonicalization
   * (constants to initializers), affine folding (BatchNorm, Mul and Add by constants into the Conv
   * before them), SmoothQuant (rescaling) and folding scalar Mul / Div into the DequantizeLinear
   * before them, a scalar Add into the zero points of the Convs after, and a shifted Clip and a Pad
   * onto the integers.
   */
  static final Set<String> REWRITES_NOTHING =
      Set.of(
          "canonicalize",
          "fold-affine",
          "smoothquant",
          "fold-dq-scale",
          "fold-dq-shift",
          "fold-dq-clip",
          "fold-dq-move");

  /** Nodes the compressing passes rewrote. */
  static List<String> rewrittenNodes(BuiltVariant v) {
    return rewrittenBy(v, p -> true);
  }

  /** Nodes the compressing passes that {@code pass} accepts (by name) rewrote. */
  private static List<String> rewrittenBy(BuiltVariant v, Predicate<String> pass) {
    List<String> out = new ArrayList<>();
    for (PassSummary p : v.passes()) {
      if (!REWRITES_NOTHING.contains(p.pass()) && pass.test(p.pass())) {
        out.addAll(p.rewritten());
      }
    }
    return out;
  }

  private static int rewritten(BuiltVariant v) {
    return v.method() == Method.FP16 ? -1 : rewrittenNodes(v).size();
  }

  /** Nodes {@code v}'s recipe rewrote other than by 8-bit embeddings, which no clip changes. */
  private static int calibrated(BuiltVariant v) {
    return rewrittenBy(v, p -> !p.equals("int8-gather-weights")).size();
  }

  /** Batches of {@code data} that hold at least {@code samples} samples (or all of them). */
  private static int batchesFor(EvalData data, int samples) {
    int n = 0;
    int seen = 0;
    for (List<Tensor> b : data.batches()) {
      if (seen >= samples) {
        break;
      }
      seen += EvalData.samplesIn(b);
      n++;
    }
    return n;
  }

  private static List<LayerSensitivity> sensitivity(
      ModelRef model,
      Built base,
      DataPlan subset,
      MetricSet metrics,
      Bound bound,
      int threads,
      Path trialsDir,
      long deadline,
      Consumer<String> progress)
      throws InfercostException {
    Variants v = Variants.of(model, subset, metrics, threads, s -> {});
    List<String> nodes = rewrittenNodes(base.variant());
    List<LayerSensitivity> out = new ArrayList<>();
    Path dir = trialsDir.resolve("sensitivity");
    for (int i = 0; i < nodes.size() && System.nanoTime() < deadline; i++) {
      String node = nodes.get(i);
      progress.accept("sensitivity " + (i + 1) + "/" + nodes.size() + ": " + node);
      Recipe one =
          withFilter(base.candidate().recipe(), f -> new NodeFilter(List.of(node), f.exclude()));
      one = withAlpha(one, 0);
      EvalReport f = v.build(one, dir).fidelity().orElseThrow();
      out.add(new LayerSensitivity(node, f.fidelityLoss(), bound.loss(f)));
    }
    out.sort(
        Comparator.comparingDouble(LayerSensitivity::boundLoss)
            .thenComparingDouble(LayerSensitivity::loss)
            .reversed());
    return out;
  }

  private static Recipe withAlpha(Recipe r, double alpha) {
    if (r instanceof Recipe.Int8Dynamic d) {
      return new Recipe.Int8Dynamic(with(d.quant(), d.quant().filter(), alpha));
    }
    if (r instanceof Recipe.Int8Qdq q) {
      return new Recipe.Int8Qdq(with(q.quant(), q.quant().filter(), alpha));
    }
    return r;
  }

  /**
   * Fills {@code out} with each trial's speed and {@code faster} with whether it is faster than the
   * input beyond noise, and returns the input's speed on the same footing: CPU targets measured
   * here side by side (interleaved) on the options' timing inputs; GPU targets projected onto the
   * catalog entry at their shapes.
   */
  private static Figure speeds(
      ModelRef model,
      List<Built> built,
      Options options,
      Catalog catalog,
      int threads,
      List<Figure> out,
      List<Boolean> faster,
      List<double[]> intervals,
      Consumer<String> progress)
      throws InfercostException {
    Target target = options.target();
    List<Tensor> inputs = options.timing().inputs();
    int batch = EvalData.samplesIn(inputs);
    Map<String, long[]> shapes = new LinkedHashMap<>();
    inputs.forEach(t -> shapes.put(t.name(), t.shape()));
    if (target.gpu()) {
      HardwareEntry gpu = catalog.require(target.id());
      Figure ref = project(model.file(), gpu, Method.FP32, shapes, batch);
      for (Built b : built) {
        Figure f = project(b.variant().file(), gpu, b.variant().method(), shapes, batch);
        out.add(f);
        faster.add(f != null && ref != null && f.value() > ref.value());
        intervals.add(f == null ? null : new double[] {f.value(), f.value()});
      }
      return ref;
    }
    List<String> files = new ArrayList<>();
    files.add(model.path());
    built.forEach(b -> files.add(b.variant().file().toString()));
    ProfileOptions o =
        ProfileOptions.builder()
            .optThreads(threads)
            .optWarmup(5, 200)
            .optSampling(5, 500, 60_000)
            .build();
    progress.accept("measuring the input and " + built.size() + " trials side by side");
    List<SideBySide.Result> r = SideBySide.measure(files, inputs, o, 4, progress);
    String how =
        String.format(
            Locale.ROOT,
            "this host, %d thread(s), on %s %s, interleaved with the input and the other trials",
            threads,
            options.timing().words(),
            shapesText(shapes));
    for (int i = 1; i < r.size(); i++) {
      var s = r.get(i).stats();
      out.add(Figure.measured(batch * 1000.0 / s.p50(), Projection.UNIT, how));
      faster.add(s.ciHigh() < r.get(0).stats().ciLow());
      intervals.add(new double[] {batch * 1000.0 / s.ciHigh(), batch * 1000.0 / s.ciLow()});
    }
    return Figure.measured(batch * 1000.0 / r.get(0).stats().p50(), Projection.UNIT, how);
  }

  private static String shapesText(Map<String, long[]> shapes) {
    List<String> out = new ArrayList<>();
    shapes.forEach((k, v) -> out.add(k + "=" + java.util.Arrays.toString(v)));
    return String.join(" ", out);
  }

  private static Figure project(
      Path file, HardwareEntry gpu, Method method, Map<String, long[]> shapes, int batch)
      throws InfercostException {
    var info = Models.loadOnnx(file).info(shapes);
    var graph = PricingInputs.gpuGraph(info, batch);
    if (graph.isEmpty()) {
      return null;
    }
    return Projection.gpuServed(graph.get(), gpu, method.deployable().gpuPrecision());
  }

  /**
   * The fastest trial that meets the bound; else the closest one. Index into {@code trials}. Trials
   * in bound whose speeds' 95% confidence intervals ({@code intervals}, inferences/s; null where
   * not timed) overlap the fastest one's are as fast as far as the measurement can tell: of those,
   * the one with the lowest loss is kept, not the one a noisy median put first (when the fastest
   * runs faster than the input, only one that does too).
   */
  static int choose(List<Trial> trials, List<double[]> intervals) {
    int best = -1;
    for (int i = 0; i < trials.size(); i++) {
      Trial t = trials.get(i);
      if (!t.met() || t.rewritten() == 0) {
        continue;
      }
      if (best < 0 || faster(t, trials.get(best))) {
        best = i;
      }
    }
    if (best >= 0) {
      double[] fastest = intervals.get(best);
      int kept = best;
      for (int i = 0; i < trials.size(); i++) {
        Trial t = trials.get(i);
        double[] ci = intervals.get(i);
        boolean tied = fastest != null && ci != null && ci[1] >= fastest[0] && ci[0] <= fastest[1];
        boolean asGood = t.fasterThanInput() || !trials.get(best).fasterThanInput();
        if (t.met() && t.rewritten() != 0 && tied && asGood && t.loss() < trials.get(kept).loss()) {
          kept = i;
        }
      }
      return kept;
    }
    int closest = -1;
    for (int i = 0; i < trials.size(); i++) {
      Trial t = trials.get(i);
      if (t.rewritten() != 0 && (closest < 0 || t.loss() < trials.get(closest).loss())) {
        closest = i;
      }
    }
    return Math.max(closest, 0);
  }

  private static boolean faster(Trial a, Trial b) {
    return a.speedOrZero() > b.speedOrZero();
  }

  private static String verdict(List<Trial> trials, Trial t, Bound bound) {
    if (t.met()) {
      long met = trials.stream().filter(Trial::met).count();
      boolean tied = trials.stream().anyMatch(x -> x.met() && x.rewritten() != 0 && faster(x, t));
      return String.format(
          Locale.ROOT,
          "kept trial %d (%s): the fastest of the %d %s that meet %s%s%s",
          t.number(),
          t.config(),
          met,
          met == 1 ? "trial" : "trials",
          describe(bound),
          tied
              ? String.format(
                  Locale.ROOT,
                  " within the 95%% confidence intervals of their medians, at the lowest loss"
                      + " (%.3g) of those as fast",
                  t.loss())
              : "",
          t.speedup() == null ? "" : String.format(Locale.ROOT, ", %.2fx the input", t.speedup()));
    }
    return String.format(
        Locale.ROOT,
        "no trial meets %s; kept the closest, trial %d (%s), which misses it by %.3g (loss %.3g"
            + " against at most %.3g)",
        describe(bound),
        t.number(),
        t.config(),
        t.loss() - bound.maxLoss(),
        t.loss(),
        bound.maxLoss());
  }

  static String describe(Bound b) {
    return String.format(Locale.ROOT, "%s %s", b.kind(), b.value());
  }
}
