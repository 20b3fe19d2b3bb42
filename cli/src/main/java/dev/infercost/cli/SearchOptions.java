package dev.infercost.cli;

import dev.infercost.workflows.CompressRequest;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The automatic search's bounds: {@code compress --method auto} and {@code choose}. */
final class SearchOptions {
  @Option(
      names = "--max-trials",
      defaultValue = "12",
      description =
          "With the automatic search: most variants built per search (default ${DEFAULT-VALUE}).")
  int maxTrials;

  @Option(
      names = "--time-budget",
      defaultValue = "10m",
      converter = DurationConverter.class,
      paramLabel = "TIME",
      description =
          "With the automatic search: wall time for its trials, e.g. 90s or 10m; no trial starts"
              + " that would end past it if it took as long as the longest so far (default"
              + " ${DEFAULT-VALUE}; choose splits it between its searches; measuring the trials"
              + " side by side comes after).")
  Duration timeBudget;

  /** The budget, for the request. */
  CompressRequest.SearchBudget budget() {
    return new CompressRequest.SearchBudget(maxTrials, timeBudget);
  }
}
