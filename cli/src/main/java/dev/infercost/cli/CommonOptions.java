package dev.infercost.cli;

import picocli.CommandLine.Option;

/** Options every subcommand takes. */
final class CommonOptions {
  @Option(names = "--json", description = "Print exactly one JSON document on stdout.")
  boolean json;

  @Option(
      names = {"-q", "--quiet"},
      description = "No progress on stderr.")
  boolean quiet;

  @Option(
      names = {"-v", "--verbose"},
      description = "Stack traces with errors.")
  boolean verbose;
}
