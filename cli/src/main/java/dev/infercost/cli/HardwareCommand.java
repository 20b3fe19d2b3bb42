package dev.infercost.cli;

import dev.infercost.cost.Catalog;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.HardwareEntry;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code infercost hardware}: the hardware catalog, listed or one entry in full. */
@Command(
    name = "hardware",
    mixinStandardHelpOptions = true,
    description = {
      "List the hardware catalog's entries, or show one entry in full.",
      "The ids and aliases are what choose --hardware, --measured-on, --target-gpu and a bench",
      "suite's hardware list accept."
    })
final class HardwareCommand implements Callable<Integer> {
  @Mixin CommonOptions common;
  @Spec CommandSpec spec;

  @Parameters(
      paramLabel = "ID",
      arity = "0..1",
      description = "Show this entry (an id or alias) in full instead of listing all.")
  String id;

  @Option(
      names = "--hardware-catalog",
      paramLabel = "FILE",
      description = "Catalog JSON (\"extends\": \"builtin\" to add to the built-in one).")
  Path catalogFile;

  /** What {@code --json} prints without ID. */
  record Listing(String catalog, List<HardwareEntry> entries) {}

  /** What {@code --json} prints for one entry: the entry and its hourly cost. */
  record Shown(
      String catalog,
      HardwareEntry entry,
      double usdPerHour,
      CostModel.OnPremHourly onPremHourly) {}

  @Override
  public Integer call() throws Exception {
    Catalog catalog = catalogFile == null ? Catalog.builtin() : Catalog.load(catalogFile);
    PrintWriter out = spec.commandLine().getOut();
    if (id != null) {
      HardwareEntry e = catalog.require(id);
      CostModel.OnPremHourly onPrem =
          e.kind() == HardwareEntry.Kind.ONPREM ? CostModel.onPremHourly(e.onPrem()) : null;
      Shown shown = new Shown(catalog.origin(), e, CostModel.hourlyUsd(e), onPrem);
      if (common.json) {
        Json.printDocument(out, "hardware-entry", shown);
      } else {
        show(out, shown);
      }
      return ExitCodes.OK;
    }
    if (common.json) {
      Json.printDocument(out, "hardware", new Listing(catalog.origin(), catalog.entries()));
      return ExitCodes.OK;
    }
    list(out, catalog);
    return ExitCodes.OK;
  }

  private static void list(PrintWriter out, Catalog catalog) {
    Table t =
        new Table(
            "id",
            "provider",
            "kind",
            "vCPUs",
            "accelerator",
            "CPU int8",
            "GPU int8",
            "$/h",
            "price source");
    List<String> sources = new ArrayList<>();
    boolean onPrem = false;
    for (HardwareEntry e : catalog.entries()) {
      String source = source(e.priceSource());
      if (!sources.contains(source)) {
        sources.add(source);
      }
      boolean amortized = e.kind() == HardwareEntry.Kind.ONPREM;
      onPrem |= amortized;
      HardwareEntry.Accelerator a = e.accelerator();
      t.row(
          e.id() + (e.example() ? " (example)" : ""),
          e.provider(),
          e.kind().label(),
          e.vcpus() == null ? "?" : e.vcpus(),
          a == null ? "-" : a.count() + "x " + a.name(),
          e.cpu().int8Isa() == null ? "unknown" : e.cpu().int8Isa().label(),
          a == null ? "-" : a.int8Tops() == null ? "unknown" : num(a.int8Tops()) + " TOPS",
          usd(CostModel.hourlyUsd(e)) + (amortized ? "*" : ""),
          "[" + (sources.indexOf(source) + 1) + "] " + e.priceSource().date());
    }
    t.print(out);
    out.println("catalog: " + catalog.origin() + ", " + catalog.entries().size() + " entries");
    if (onPrem) {
      out.println("* on-premises: purchase amortized over its life, plus energy and operations");
    }
    for (int i = 0; i < sources.size(); i++) {
      out.println("[" + (i + 1) + "] " + sources.get(i));
    }
    out.flush();
  }

  private static void show(PrintWriter out, Shown s) {
    HardwareEntry e = s.entry();
    Table t = new Table("", "").leftAligned();
    t.row("id", e.id() + (e.example() ? " (example template: figures are not a quote)" : ""));
    if (!e.aliases().isEmpty()) {
      t.row("aliases", String.join(", ", e.aliases()));
    }
    t.row("provider", e.provider() + ", region " + e.region());
    t.row("kind", e.kind().label());
    if (e.instanceType() != null) {
      t.row("instance type", e.instanceType());
    }
    t.row("vCPUs", e.vcpus() == null ? "unknown" : e.vcpus());
    t.row("memory", e.memoryGib() == null ? "unknown" : num(e.memoryGib()) + " GiB");
    HardwareEntry.Cpu c = e.cpu();
    t.row("CPU", orUnknown(c.family()));
    t.row("  vCPUs per core", c.vcpusPerCore() == null ? "unknown" : c.vcpusPerCore());
    t.row("  all-core clock", c.allCoreGhz() == null ? "unknown" : num(c.allCoreGhz()) + " GHz");
    t.row(
        "  fp32 peak per core",
        c.fp32GflopsPerCore() == null ? "unknown" : num(c.fp32GflopsPerCore()) + " GFLOP/s");
    t.row("  int8 instructions", c.int8Isa() == null ? "unknown" : c.int8Isa().label());
    t.row(
        "  int8 ÷ fp32 throughput",
        c.int8Factor() == null
            ? "unknown"
            : num(c.int8Factor().value()) + "x (" + c.int8Factor().source() + ")");
    if (c.match() != null) {
      HardwareEntry.Match m = c.match();
      t.row(
          "  matches hosts with",
          (m.cpuFamily() == null ? "" : "cpu family " + m.cpuFamily())
              + (m.cpuModels().isEmpty() ? "" : ", model " + m.cpuModels())
              + (m.modelName() == null ? "" : ", model name ~ /" + m.modelName() + "/"));
    }
    t.row("  SIMD", orUnknown(c.simd()));
    t.row("  source", orUnknown(c.source()));
    HardwareEntry.Accelerator a = e.accelerator();
    if (a != null) {
      t.row("accelerator", a.count() + "x " + a.name());
      t.row("  memory", figure(a, "memoryGb", a.memoryGb(), "GB"));
      t.row("  fp32 peak", figure(a, "fp32Tflops", a.fp32Tflops(), "TFLOP/s"));
      t.row("  fp16 peak", figure(a, "fp16Tflops", a.fp16Tflops(), "TFLOP/s"));
      t.row("  int8 peak", figure(a, "int8Tops", a.int8Tops(), "TOP/s"));
      t.row(
          "  memory bandwidth",
          figure(a, "memoryBandwidthGbPerS", a.memoryBandwidthGbPerS(), "GB/s"));
      t.row("  board power", figure(a, "tdpW", a.tdpW(), "W"));
      if (a.note() != null) {
        t.row("  note", a.note());
      }
      t.row("  source", orUnknown(a.source()));
    }
    if (s.onPremHourly() != null) {
      var h = s.onPremHourly();
      var p = e.onPrem();
      t.row("price per hour", usd(h.totalUsdPerHour()) + " USD (amortized, around the clock)");
      t.row("  amortization", usd(h.amortizationUsdPerHour()) + " USD/h");
      t.row("  energy", usd(h.energyUsdPerHour()) + " USD/h");
      t.row("  operations", usd(h.operationsUsdPerHour()) + " USD/h");
      t.row("  purchase", sourced(p.purchaseUsd(), "USD"));
      t.row("  life", sourced(p.lifeYears(), "years"));
      t.row("  power", sourced(p.powerW(), "W"));
      t.row("  PUE", sourced(p.pue(), ""));
      t.row("  electricity", sourced(p.usdPerKwh(), "USD/kWh"));
      t.row("  operations share", sourced(p.opsShareYearly(), "of purchase per year"));
    } else {
      t.row("price per hour", usd(s.usdPerHour()) + " USD (on demand)");
    }
    t.row("price source", source(e.priceSource()));
    if (e.priceSource().url() != null) {
      t.row("  url", e.priceSource().url());
    }
    e.notes().forEach(n -> t.row("note", n));
    t.print(out);
    out.println("catalog: " + s.catalog());
    out.flush();
  }

  /** {@code source, date (commit abc1234)}. */
  private static String source(HardwareEntry.PriceSource p) {
    return p.source()
        + "; "
        + p.date()
        + (p.commit() == null
            ? ""
            : " (commit " + p.commit().substring(0, Math.min(7, p.commit().length())) + ")");
  }

  private static String figure(HardwareEntry.Accelerator a, String name, Double v, String unit) {
    if (v == null) {
      return "unknown";
    }
    return num(v) + " " + unit + (a.isDerived(name) ? " (derived, see note)" : "");
  }

  private static String sourced(HardwareEntry.Sourced s, String unit) {
    return num(s.value()) + (unit.isEmpty() ? "" : " " + unit) + " (" + s.source() + ")";
  }

  private static String orUnknown(String s) {
    return s == null ? "unknown" : s;
  }

  private static String num(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%s", v);
  }

  private static String usd(double v) {
    return String.format(Locale.ROOT, "%.4f", v);
  }
}
