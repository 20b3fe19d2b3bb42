package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.compress.CpuFeatures;
import dev.infercost.compress.NodeFilter;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.HardwareEntry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The variants {@code choose} prices, each built for the hardware it is priced on. The candidate
 * hardware falls into {@link Family families} that need different builds — CPUs whose int8 dot
 * product takes 8-bit weights, CPUs that need 7-bit ones (8-bit ones saturate there), GPUs — and a
 * variant is priced only on the families it was built for. Variants come either from the automatic
 * search ({@link Search}, once per family: the same recipes, measured the same way, rank the same
 * on every CPU of a family) or from a fixed list of methods, each built once per weight range its
 * families need.
 */
final class ChooseVariants {
  private ChooseVariants() {}

  /** Hardware that one build serves. */
  enum Family {
    CPU("cpu", "CPUs with a 32-bit int8 dot product (VNNI, AMX, Arm SDOT): 8-bit int8 weights"),
    CPU_7BIT("cpu-7bit", "CPUs without one: 7-bit int8 weights, which do not saturate there"),
    GPU("gpu", "GPUs");

    private final String suffix;
    private final String words;

    Family(String suffix, String words) {
      this.suffix = suffix;
      this.words = words;
    }

    /** Whether int8 weights built for it stay within 7 bits. */
    boolean reducedRange() {
      return this == CPU_7BIT;
    }

    /** For reports. */
    String words() {
      return words;
    }

    private static Family of(HardwareEntry e) {
      if (e.kind() != HardwareEntry.Kind.CPU) {
        return GPU;
      }
      return e.cpu().int8FullRange() ? CPU : CPU_7BIT;
    }
  }

  /**
   * One variant to build and price.
   *
   * @param label its name in rows and its folder under the output folder
   * @param recipe what to build, or empty for the family's search
   * @param search the family searched for, where {@code recipe} is empty
   * @param hardware the catalog ids it is priced on
   */
  record Plan(
      String label, Optional<Recipe> recipe, Optional<Family> search, List<String> hardware) {
    Plan {
      hardware = List.copyOf(hardware);
    }
  }

  /**
   * One built variant to price.
   *
   * @param label its name in rows
   * @param built the variant
   * @param recipe what it is, in words
   * @param hardware the catalog ids it is priced on
   */
  record Variant(String label, BuiltVariant built, String recipe, List<String> hardware) {
    Variant {
      hardware = List.copyOf(hardware);
    }
  }

  /**
   * The catalog ids of {@code targets} by family. On a host that needs 7-bit weights itself, 8-bit
   * ones can be neither evaluated nor measured here, so every CPU gets 7-bit ones ({@code notes}
   * says so).
   */
  static Map<Family, List<String>> families(List<HardwareEntry> targets, Set<String> notes) {
    Map<Family, List<String>> out = new EnumMap<>(Family.class);
    boolean hostSaturates = CpuFeatures.needsReducedRange();
    for (HardwareEntry t : targets) {
      Family f = Family.of(t);
      if (f == Family.CPU && hostSaturates) {
        f = Family.CPU_7BIT;
      }
      out.computeIfAbsent(f, k -> new ArrayList<>()).add(t.id());
    }
    if (hostSaturates && targets.stream().anyMatch(t -> Family.of(t) == Family.CPU)) {
      notes.add(
          "int8 variants are built with 7-bit weights for every CPU: this host has no 32-bit int8"
              + " dot product, so 8-bit weights would saturate in the measurements made here");
    }
    if (out.containsKey(Family.CPU) && out.containsKey(Family.CPU_7BIT)) {
      notes.add(
          "int8 variants are built twice: with 8-bit weights for "
              + String.join(", ", out.get(Family.CPU))
              + ", and with 7-bit weights (variants named auto-"
              + Family.CPU_7BIT.suffix
              + ", or with --methods, ending in -7bit) for "
              + String.join(", ", out.get(Family.CPU_7BIT))
              + ", where 8-bit ones would saturate; each is priced only where it was built for");
    }
    return out;
  }

  /**
   * What to build: with a search, the input (priced everywhere), each family's search, and the
   * input pruned at each ratio of the ladder; with a fixed list, each method (and each pruned at
   * each ratio) once per int8 weight range its families need, the 7-bit build named {@code -7bit}
   * where both are built.
   */
  static List<Plan> plan(ChooseRequest req, Map<Family, List<String>> families) {
    List<String> all = new ArrayList<>();
    families.values().forEach(all::addAll);
    List<Plan> out = new ArrayList<>();
    if (req.search().isPresent()) {
      out.add(new Plan(Method.FP32.label(), Optional.of(new Recipe.Fp32()), Optional.empty(), all));
      families.forEach(
          (f, ids) ->
              out.add(
                  new Plan(
                      families.size() == 1 ? "auto" : "auto-" + f.suffix,
                      Optional.empty(),
                      Optional.of(f),
                      ids)));
      for (double r : req.prune()) {
        Recipe p = new Recipe.Pruned(r, NodeFilter.all(), new Recipe.Fp32());
        out.add(new Plan(p.label(), Optional.of(p), Optional.empty(), all));
      }
      return out;
    }
    List<Recipe> full = req.recipes(false);
    List<Recipe> reduced = req.recipes(true);
    for (int i = 0; i < full.size(); i++) {
      // Families whose build is the same recipe share one variant.
      Map<Recipe, List<String>> builds = new LinkedHashMap<>();
      for (Map.Entry<Family, List<String>> e : families.entrySet()) {
        Recipe r = e.getKey().reducedRange() ? reduced.get(i) : full.get(i);
        builds.computeIfAbsent(r, k -> new ArrayList<>()).addAll(e.getValue());
      }
      if (builds.isEmpty()) {
        builds.put(full.get(i), all);
      }
      builds.forEach(
          (r, ids) ->
              out.add(
                  new Plan(
                      r.label() + (builds.size() > 1 && r.reducedRange() ? "-7bit" : ""),
                      Optional.of(r),
                      Optional.empty(),
                      ids)));
    }
    return out;
  }

  /**
   * Every plan built.
   *
   * @param variants the variants to price, in plan order
   * @param searches each family's search, in plan order
   */
  record Built(List<Variant> variants, List<ChooseReport.Search> searches) {}

  /**
   * Builds {@code plans} into {@code work}: recipes with {@code builder}, searches with {@link
   * Search} (the search budget split evenly between the families; a second more, so a share never
   * rounds to nothing). Each search contributes the variant it kept (the closest one when none
   * meets the bound; nothing when it kept the input), a GPU family's also the fastest trial in
   * bound of each other method ({@link #contributed}).
   */
  static Built build(
      List<Plan> plans,
      ChooseRequest req,
      DataPlan data,
      Variants builder,
      Catalog catalog,
      Path work,
      Consumer<String> progress)
      throws InfercostException {
    List<Variant> variants = new ArrayList<>();
    List<ChooseReport.Search> searches = new ArrayList<>();
    long searched = plans.stream().filter(p -> p.search().isPresent()).count();
    // Trials are timed as choose measures its rows: synthetic inputs at --shape, here at the
    // largest --batch, where the cost per inference it ranks by is lowest.
    int batch = req.batches().stream().mapToInt(Integer::intValue).max().orElseThrow();
    Search.Timing timing =
        searched == 0 ? null : Search.Timing.synthetic(ChooseWorkflow.inputsAt(req, batch));
    for (Plan p : plans) {
      if (p.recipe().isPresent()) {
        BuiltVariant b = builder.build(p.recipe().get(), work.resolve(p.label()));
        variants.add(new Variant(p.label(), b, p.recipe().get().label(), p.hardware()));
        continue;
      }
      Family f = p.search().orElseThrow();
      CompressRequest.SearchBudget budget = req.search().orElseThrow();
      Search.Options o =
          new Search.Options(
              req.bound(),
              Target.of(catalog, p.hardware().get(0)),
              NodeFilter.all(),
              budget.maxTrials(),
              budget.timeBudget().dividedBy(searched).plus(Duration.ofSeconds(1)),
              timing);
      progress.accept("searching for " + f.words() + ": " + String.join(", ", p.hardware()));
      Search.Outcome s =
          Search.run(
              req.model(),
              data,
              req.metrics(),
              o,
              catalog,
              work.resolve(p.label()),
              req.threads(),
              progress);
      List<String> labels = new ArrayList<>();
      for (Search.Trial t : contributed(s, f)) {
        String label = labels.isEmpty() ? p.label() : p.label() + "#" + t.number();
        labels.add(label);
        variants.add(
            new Variant(
                label,
                s.trials().get(t.number() - 1),
                "trial " + t.number() + ": " + t.config(),
                p.hardware()));
      }
      searches.add(new ChooseReport.Search(f.words(), p.hardware(), labels, s.result()));
    }
    return new Built(variants, searches);
  }

  /**
   * The trials a family's search contributes, its kept one first: for GPUs also the fastest trial
   * in bound of each other precision (fp16 beside int8-qdq; a pruned trial counts as the precision
   * it runs in), since GPUs differ in which precision they run fastest.
   */
  private static List<Search.Trial> contributed(Search.Outcome s, Family f) {
    Search.Result r = s.result();
    List<Search.Trial> out = new ArrayList<>();
    if (r.chosen() == Search.INPUT) {
      return out;
    }
    Search.Trial kept = r.trials().get(r.chosen() - 1);
    out.add(kept);
    if (f == Family.GPU) {
      Method keptPrecision = s.trials().get(kept.number() - 1).method();
      Map<Method, Search.Trial> fastest = new LinkedHashMap<>();
      for (Search.Trial t : r.trials()) {
        Method precision = s.trials().get(t.number() - 1).method();
        if (t.met() && t.rewritten() != 0 && precision != keptPrecision) {
          fastest.merge(precision, t, (a, b) -> b.speedOrZero() > a.speedOrZero() ? b : a);
        }
      }
      out.addAll(fastest.values());
    }
    return out;
  }
}
