package dev.infercost.cli;

import dev.infercost.models.LocalFunctions;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.ModelInfo;
import dev.infercost.models.Models;
import dev.infercost.models.TensorSpec;
import dev.infercost.models.TorchScriptModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infercost inspect}: what a model is made of. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = "Show a model's inputs, outputs, operators, parameters and MACs.")
final class InspectCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "MODEL",
      description = "Model file (.onnx, TorchScript .pt) or built-in name.")
  String model;

  @Option(
      names = "--shape",
      paramLabel = "NAME=DIMS",
      converter = Shapes.ShapeConverter.class,
      description = "Concrete input shape for the MAC count, e.g. input_ids=1x128 (repeatable).")
  List<Shapes.Shape> shapes = new ArrayList<>();

  /** What {@code --json} prints for a TorchScript model. */
  record TorchScriptInfo(
      String file,
      String format,
      long fileBytes,
      long parameters,
      long parameterBytes,
      List<TorchScriptModel.ParameterInfo> parameterList) {}

  @Override
  public Integer call() throws Exception {
    Path file = Models.resolve(model, ModelFormat.ONNX);
    PrintWriter out = spec.commandLine().getOut();
    if (Models.formatOf(file) == ModelFormat.TORCHSCRIPT) {
      return torchScript(file, out);
    }
    Map<String, long[]> pinned = Shapes.byInput(shapes);
    TensorSpec.checkShapes(file.toString(), Models.inputSpecs(file), pinned);
    ModelInfo info = Models.loadOnnx(file).info(pinned);
    if (common.json) {
      Json.printDocument(out, "inspect", info);
      return ExitCodes.OK;
    }
    Table t = new Table("", "");
    t.row("model", info.file() + " (" + Table.bytes(info.fileBytes()) + ")");
    t.row(
        "format",
        "ONNX IR "
            + info.irVersion()
            + ", opset "
            + info.opset()
            + ", producer "
            + info.producer());
    for (TensorSpec s : info.inputs()) {
      t.row("input", s.name() + "  " + s.dtype() + " " + s.shapeString());
    }
    for (TensorSpec s : info.outputs()) {
      t.row("output", s.name() + "  " + s.dtype() + " " + s.shapeString());
    }
    t.row(
        "nodes",
        info.nodes()
            + ": "
            + info.ops().entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")));
    t.row(
        "parameters",
        Table.count(info.parameters())
            + " in "
            + info.initializers()
            + " initializers ("
            + Table.bytes(info.parameterBytes())
            + ")");
    info.byDtype()
        .forEach(
            (dt, s) ->
                t.row(
                    "  " + dt,
                    Table.count(s.elements())
                        + " in "
                        + s.tensors()
                        + " ("
                        + Table.bytes(s.bytes())
                        + ")"));
    if (info.constants().tensors() > 0) {
      t.row(
          "constants",
          Table.count(info.constants().elements())
              + " in "
              + info.constants().tensors()
              + " Constant nodes ("
              + Table.bytes(info.constants().bytes())
              + ")");
    }
    if (!info.functionCalls().isEmpty()) {
      t.row(
          "functions",
          LocalFunctions.describe(info.functionCalls()) + "; every figure here counts them so");
    }
    t.row("MACs", macs(info));
    t.print(out);
    return ExitCodes.OK;
  }

  private static String macs(ModelInfo info) {
    String at =
        info.shapesUsed().entrySet().stream()
            .map(
                e ->
                    e.getKey()
                        + "="
                        + e.getValue().stream()
                            .map(String::valueOf)
                            .collect(Collectors.joining("x")))
            .collect(Collectors.joining(" "));
    if (!info.branchMacNodes().isEmpty()) {
      return "unknown: "
          + info.branchMacNodes().size()
          + " MatMul/Gemm/Conv nodes are inside If/Loop/Scan subgraphs, and which of them run (and"
          + " how often) depends on the inputs";
    }
    if (info.macs() == null) {
      boolean allKnown =
          info.shapesUsed().size() == info.inputs().size()
              && info.shapesUsed().values().stream().flatMap(List::stream).allMatch(d -> d > 0);
      return "unknown: shapes of "
          + info.unknownMacNodes().size()
          + " MatMul/Gemm/Conv nodes not inferred"
          + (at.isEmpty() ? "" : " at " + at)
          + (allKnown
              ? "; every input's shape is known, but shape inference does not reach them (first: "
                  + info.unknownMacNodes().get(0)
                  + "): infercost profile measures what they cost"
              : "; give every input with --shape NAME=DIMS");
    }
    return Table.count(info.macs())
        + " ("
        + Table.count(info.flops())
        + " FLOPs)"
        + (at.isEmpty() ? "" : " at " + at)
        + (info.macsByOp().isEmpty()
            ? " (no MatMul, Gemm or Conv)"
            : "; "
                + info.macsByOp().entrySet().stream()
                    .map(e -> e.getKey() + " " + Table.count(e.getValue()))
                    .collect(Collectors.joining(", ")))
        + (info.int8Macs() == 0 ? "" : "; in int8: " + Table.count(info.int8Macs()));
  }

  private int torchScript(Path file, PrintWriter out) throws Exception {
    try (TorchScriptModel m = Models.loadTorchScript(file, false)) {
      List<TorchScriptModel.ParameterInfo> params = m.parameters();
      TorchScriptInfo info =
          new TorchScriptInfo(
              file.toString(),
              "torchscript",
              Files.size(file),
              m.parameterCount(),
              m.parameterBytes(),
              params);
      if (common.json) {
        Json.printDocument(out, "inspect", info);
        return ExitCodes.OK;
      }
      out.println("model       " + file + " (" + Table.bytes(info.fileBytes()) + ")");
      out.println("format      TorchScript (DJL PyTorch engine)");
      out.println(
          "parameters  "
              + Table.count(info.parameters())
              + " in "
              + params.size()
              + " tensors ("
              + Table.bytes(info.parameterBytes())
              + ")");
      Table t = new Table("name", "shape", "dtype", "elements");
      for (var p : params) {
        t.row(p.name(), p.shape().toString(), p.dtype(), Table.count(p.elements()));
      }
      t.print(out);
      return ExitCodes.OK;
    }
  }
}
