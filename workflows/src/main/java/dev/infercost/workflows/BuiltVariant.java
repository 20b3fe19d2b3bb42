package dev.infercost.workflows;

import dev.infercost.compress.PassSummary;
import dev.infercost.profile.EvalReport;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A variant {@link Variants} made: its file and what building it found. No report is written by
 * building; flows decide what to report.
 *
 * @param recipe what was built
 * @param file the model file (the input itself for {@link Recipe.Fp32})
 * @param bytes its size
 * @param fidelity against the input on the plan's held-out data, when the plan had some
 * @param options the passes' options, for provenance
 * @param passes what each pass rewrote and skipped (empty for fp32)
 * @param seconds time spent building
 */
public record BuiltVariant(
    Recipe recipe,
    Path file,
    long bytes,
    Optional<EvalReport> fidelity,
    Map<String, String> options,
    List<PassSummary> passes,
    double seconds) {
  public BuiltVariant {
    // Insertion order kept: reports list these.
    options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
    passes = List.copyOf(passes);
  }

  /** The same variant, its file copied to {@code copy}. */
  BuiltVariant at(Path copy) {
    return new BuiltVariant(recipe, copy, bytes, fidelity, options, passes, seconds);
  }

  /** The variant's method. */
  public Method method() {
    return recipe.method();
  }
}
