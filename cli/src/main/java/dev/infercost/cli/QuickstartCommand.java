package dev.infercost.cli;

import dev.infercost.models.ModelFormat;
import dev.infercost.models.ModelInfo;
import dev.infercost.models.Models;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.ProfileReport;
import dev.infercost.profile.Profiler;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code infercost quickstart}: the whole flow on the built-in models, in about a minute. */
@Command(
    name = "quickstart",
    mixinStandardHelpOptions = true,
    description = "Inspect and profile the built-in digits-cnn and minilm-l6 models.")
final class QuickstartCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  /** One model in the quickstart table. */
  record Row(
      String model,
      long fileBytes,
      long parameters,
      Long macs,
      Map<String, long[]> shapes,
      LatencyStats latency,
      double throughput,
      Long peakRss) {}

  /** What {@code --json} prints. */
  record Summary(String host, int threads, List<Row> models) {}

  @Override
  public Integer call() throws Exception {
    Progress progress = new Progress(spec.commandLine().getErr(), common.quiet);
    List<Row> rows = new ArrayList<>();
    rows.add(run("digits-cnn", Map.of("input", new long[] {1, 1, 8, 8}), progress));
    rows.add(
        run(
            "minilm-l6",
            Map.of(
                "input_ids", new long[] {1, 128},
                "attention_mask", new long[] {1, 128},
                "token_type_ids", new long[] {1, 128}),
            progress));
    progress.clear();
    String host = dev.infercost.profile.HostInfo.current().cpuModel();
    PrintWriter out = spec.commandLine().getOut();
    if (common.json) {
      Json.print(out, new Summary(host, 1, rows));
      return ExitCodes.OK;
    }
    out.println("infercost quickstart on " + host + ", ONNX Runtime, CPU, 1 thread, batch 1");
    Table t =
        new Table(
            "model", "size", "params", "MACs", "p50 ms", "95% CI", "p99 ms", "inf/s", "peak RSS");
    for (Row r : rows) {
      t.row(
          r.model(),
          Table.bytes(r.fileBytes()),
          Table.count(r.parameters()),
          r.macs() == null ? "unknown" : Table.count(r.macs()),
          Table.ms(r.latency().p50()),
          Table.ms(r.latency().ciLow()) + "-" + Table.ms(r.latency().ciHigh()),
          Table.ms(r.latency().p99()),
          String.format(Locale.ROOT, "%.1f", r.throughput()),
          Table.bytes(r.peakRss()));
    }
    t.print(out);
    out.println(
        "next: infercost inspect minilm-l6 --shape input_ids=1x128 ...; infercost profile MODEL --batch 1,8");
    out.flush();
    return ExitCodes.OK;
  }

  private Row run(String model, Map<String, long[]> shapes, Progress progress) throws Exception {
    progress.accept("inspecting " + model);
    ModelInfo info = Models.loadOnnx(Models.resolve(model, ModelFormat.ONNX)).info(shapes);
    ProfileOptions.Builder b =
        ProfileOptions.builder().optThreads(1).optWarmup(5, 300).optSampling(20, 1500, 15_000);
    shapes.forEach(b::optShape);
    ProfileReport r = Profiler.profile(model, b.build(), progress);
    var res = r.results().get(0);
    return new Row(
        model,
        info.fileBytes(),
        info.parameters(),
        info.macs(),
        shapes,
        res.latency(),
        res.throughput(),
        res.memory().peakRss());
  }
}
