package dev.infercost.cli;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The command line's names for the library's {@link Parameter}s: an error's hint becomes the flag
 * of the command that ran, and only if that command has it.
 */
final class Hints {
  private Hints() {}

  /**
   * The options (or the positional parameter label) that set {@code p} on some command; the switch
   * is exhaustive, so a new parameter does not compile until it has its names here.
   */
  static List<String> names(Parameter p) {
    return switch (p) {
      case MODEL -> List.of("MODEL");
      case OUTPUT_DIR, OUTPUT_FILE -> List.of("--out");
      case EVAL_DATA -> List.of("--data");
      case CALIBRATION_DATA -> List.of("--calib-data");
      case TOKENIZER -> List.of("--tokenizer");
      case SHAPES -> List.of("--shape");
      case INPUTS -> List.of("--inputs");
      case BATCHES -> List.of("--batch");
      case THREADS -> List.of("--threads");
      case ENGINE -> List.of("--engine");
      case DEVICE -> List.of("--device");
      case METHOD -> List.of("--method", "--methods");
      case EXCLUDE -> List.of("--exclude");
      case TARGET_GPU -> List.of("--target-gpu");
      case TARGET -> List.of("--target");
      case PRUNE -> List.of("--prune");
      case SPARSITY -> List.of("--sparsity", "--sparsity-pattern");
      case SEARCH_BUDGET -> List.of("--max-trials", "--time-budget");
      case ACCURACY_BOUND -> List.of("--max-accuracy-drop", "--min-cosine", "--max-metric-drop");
      case METRIC -> List.of("--metric");
      case METRIC_CLASSPATH -> List.of("--metric-classpath");
      case METRIC_LABELS -> List.of("--metric-labels");
      case LATENCY_OBJECTIVE -> List.of("--p99-ms");
      case CATALOG -> List.of("--hardware-catalog");
      case HARDWARE -> List.of("--hardware", "--cloud");
      case MEASURED_ON -> List.of("--measured-on");
      case MEASUREMENTS -> List.of("--measurements");
      case SUITE -> List.of("--suite");
      case BASELINE -> List.of("--baseline");
      case DEMAND -> List.of("--demand", "--qps");
      case PLAN_SPEC -> List.of("--own", "--own-entry");
      case THROUGHPUT -> List.of("--variant", "--throughput");
    };
  }

  /**
   * {@code " (--data)"} when {@code e} hints at a parameter that {@code command} takes, naming
   * every option of the command that sets it ({@code " (--max-accuracy-drop or --min-cosine)"});
   * {@code ""} otherwise.
   */
  static String suffix(InfercostException e, CommandSpec command) {
    return e.hint().flatMap(p -> spelled(p, command)).map(s -> " (" + s + ")").orElse("");
  }

  /** How {@code command} spells {@code p}, if it takes it. */
  static Optional<String> spelled(Parameter p, CommandSpec command) {
    List<String> has = names(p).stream().filter(n -> takes(command, n)).toList();
    return has.isEmpty() ? Optional.empty() : Optional.of(String.join(" or ", has));
  }

  private static boolean takes(CommandSpec command, String name) {
    if (name.startsWith("-")) {
      return command.findOption(name) != null;
    }
    return command.positionalParameters().stream().anyMatch(p -> name.equals(p.paramLabel()));
  }
}
