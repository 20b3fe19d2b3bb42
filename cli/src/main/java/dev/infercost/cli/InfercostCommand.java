package dev.infercost.cli;

import picocli.CommandLine.Command;

/** Root command: only groups the subcommands. */
@Command(
    name = "infercost",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Makes neural-network inference cheaper and proves it.",
    subcommands = {
      ModelsCommand.class,
      InspectCommand.class,
      ProfileCommand.class,
      EvaluateCommand.class,
      CompressCommand.class,
      BenchCommand.class,
      ChooseCommand.class,
      GateCommand.class,
      PlanCommand.class,
      HardwareCommand.class,
      QuickstartCommand.class
    })
final class InfercostCommand {}
