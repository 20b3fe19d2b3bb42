package dev.infercost.cli;

import dev.infercost.models.BuiltinModel;
import dev.infercost.models.Models;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code infercost models}: the built-in model names. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "List the built-in models, usable by name wherever a model path is accepted.")
final class ModelsCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  /** What {@code --json} prints per model. */
  record Entry(
      String name, String description, String source, long onnxBytes, boolean torchScript) {}

  @Override
  public Integer call() {
    List<Entry> entries =
        Models.builtins().stream()
            .map(
                (BuiltinModel b) ->
                    new Entry(
                        b.name(),
                        b.description(),
                        b.source(),
                        Models.builtinSize(b),
                        b.torchScriptResource().isPresent()))
            .toList();
    var out = spec.commandLine().getOut();
    if (common.json) {
      Json.print(out, entries);
      return ExitCodes.OK;
    }
    Table t = new Table("name", "size", "torchscript", "source", "what");
    for (Entry e : entries) {
      t.row(
          e.name(),
          e.onnxBytes() < 0 ? "missing" : Table.bytes(e.onnxBytes()),
          e.torchScript() ? "yes" : "no",
          e.source(),
          e.description());
    }
    t.print(out);
    return ExitCodes.OK;
  }
}
