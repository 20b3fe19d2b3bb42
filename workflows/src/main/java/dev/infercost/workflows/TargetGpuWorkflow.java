package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.compress.Compressor;
import dev.infercost.compress.Fp16Options;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.CatalogException;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.Figure;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.ModelInfo;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.Profiler;
import dev.infercost.profile.SideBySide;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code compress --target-gpu NAME}: builds the variants that make sense on a GPU (fp32 as is,
 * fp16 with fp32 islands and fp32 I/O, and static int8 in QDQ form where the GPU has int8 tensor
 * cores), measures them on CUDA when this build and host have it, projects them onto the catalog
 * GPU otherwise (roofline plus an assumed launch overhead, labelled estimated), and puts the cost
 * per 1M inferences next to the best CPU option for the dynamic int8 variant measured on this host.
 * The request's data, calibration data and quantization filter apply to both int8 variants.
 */
public final class TargetGpuWorkflow {
  public static final String FP16_FILE = "model.fp16.onnx";

  private TargetGpuWorkflow() {}

  public static TargetGpuReport run(CompressRequest req, String gpu, Consumer<String> progress)
      throws InfercostException {
    String model = req.model();
    Path outDir = req.outDir();
    Map<String, long[]> shapes = req.shapes();
    int threads = req.threads();
    Pricing pricing = Pricing.of(List.of(), HostInfo.current(), threads);
    Catalog catalog = pricing.catalog();
    HardwareEntry target = catalog.require(gpu);
    if (target.accelerator() == null) {
      throw new InfercostException(
          "--target-gpu "
              + gpu
              + ": catalog entry '"
              + target.id()
              + "' has no GPU; pick t4, l4, a10g, a100 or h100");
    }
    Path input = Models.resolve(model, ModelFormat.ONNX);
    OnnxModel fp32 = Models.loadOnnx(input);
    List<String> notes = new ArrayList<>();
    Path fp16File = writeFp16(fp32, outDir, progress);

    List<Tensor> inputs =
        SideBySide.syntheticInputs(input.toString(), shapes, n -> progress.accept("note: " + n));
    Map<String, long[]> used = new java.util.LinkedHashMap<>();
    inputs.forEach(t -> used.put(t.name(), t.shape()));
    int batch = (int) inputs.get(0).shape()[0];
    boolean cuda = Profiler.cudaAvailable();
    if (!cuda) {
      notes.add(
          "no CUDA execution provider in this build or host: GPU figures are roofline projections (estimated); build with -Pcuda on a GPU host to measure");
    }
    Optional<Path> tokenizer =
        req.tokenizer().isPresent() ? req.tokenizer() : Evaluator.builtinTokenizer(model);
    CompressWorkflow.DataPlan plan =
        CompressWorkflow.planData(
            req, Models.builtin(model), fp32.info(Map.of()).inputs(), tokenizer);
    List<TargetGpuReport.Variant> variants = new ArrayList<>();
    for (String v : List.of("fp32", "fp16")) {
      String file = v.equals("fp32") ? input.toString() : fp16File.toString();
      EvalReport fidelity = null;
      if (v.equals("fp16") && plan.evaluation() == null) {
        notes.add("fp16 fidelity not evaluated: no data; pass --data");
      } else if (v.equals("fp16")) {
        fidelity = Evaluator.evaluate(input.toString(), file, plan.evaluation(), threads, progress);
      }
      TargetGpuReport.Option option =
          cuda
              ? measured(target, v, file, inputs, threads, batch, progress)
              : projected(target, v, Models.loadOnnx(Path.of(file)).info(used), batch, notes);
      variants.add(
          new TargetGpuReport.Variant(v, file, Reports.size(Path.of(file)), fidelity, option));
    }
    if (target.accelerator().int8Tops() == null) {
      notes.add(
          "int8-qdq not built: the catalog has no int8 tensor-core peak for "
              + target.accelerator().name());
    } else if (plan.calibration().isEmpty()) {
      notes.add(
          "int8-qdq not built: static int8 needs calibration data; pass --data or --calib-data");
    } else {
      variants.add(qdq(req, target, used, cuda, inputs, batch, notes, progress));
    }
    TargetGpuReport.Option cpu = bestCpu(req, pricing, used, progress, notes);
    TargetGpuReport r =
        new TargetGpuReport(
            1, "target-gpu", model, target.id(), variants, cpu, notes, HostInfo.current());
    Reports.writeJson(outDir.resolve("report.json"), r);
    Reports.writeText(outDir.resolve("report.md"), markdown(r));
    return r;
  }

  private static TargetGpuReport.Option measured(
      HardwareEntry target,
      String variant,
      String file,
      List<Tensor> inputs,
      int threads,
      int batch,
      Consumer<String> progress)
      throws InfercostException {
    ProfileOptions o =
        ProfileOptions.builder()
            .optThreads(threads)
            .optCuda(true)
            .optSampling(30, 1000, 60_000)
            .build();
    var r = SideBySide.measure(List.of(file), inputs, o, 3, progress).get(0);
    double thr = batch * 1000.0 / r.stats().p50();
    HostInfo h = HostInfo.current();
    String how =
        "measured on this host's CUDA GPU (" + h.cpuModel() + " host), priced as " + target.id();
    if (variant.equals(CompressRequest.INT8_QDQ)) {
      how +=
          "; ONNX Runtime's CUDA provider runs QDQ as DequantizeLinear + float kernels, not on int8"
              + " tensor cores (TensorRT is not in this build): an upper bound on int8 latency";
    }
    return new TargetGpuReport.Option(
        target.id(), variant, thr, CostModel.costPerMillion(CostModel.hourlyUsd(target), thr), how);
  }

  private static TargetGpuReport.Option projected(
      HardwareEntry target, String variant, ModelInfo info, int batch, List<String> notes)
      throws InfercostException {
    if (info.flops() == null) {
      throw new InfercostException(
          info.file() + ": FLOPs unknown at these shapes; give --shape for every input");
    }
    try {
      Figure f =
          Pricing.gpu(info, info.parameterBytes(), batch, target, Pricing.precision(variant));
      double thr = f.value();
      return new TargetGpuReport.Option(
          target.id(),
          variant,
          thr,
          CostModel.costPerMillion(CostModel.hourlyUsd(target), thr),
          "estimated: " + f.provenance().detail());
    } catch (CatalogException e) {
      notes.add(variant + " not projected: " + e.getMessage());
      return null;
    }
  }

  /**
   * Static int8 in QDQ form, calibrated and evaluated like {@code compress --method int8-qdq} (the
   * CPU provider runs QDQ graphs, so fidelity is checked here), measured on CUDA or projected with
   * its int8 MACs at the int8 peak and the rest at fp16.
   */
  private static TargetGpuReport.Variant qdq(
      CompressRequest req,
      HardwareEntry target,
      Map<String, long[]> shapes,
      boolean cuda,
      List<Tensor> inputs,
      int batch,
      List<String> notes,
      Consumer<String> progress)
      throws InfercostException {
    CompressRequest q = req.with(CompressRequest.INT8_QDQ, req.outDir().resolve("int8-qdq"), false);
    CompressReport r = CompressWorkflow.run(q, progress);
    if (r.fidelity() == null) {
      notes.add("int8-qdq fidelity not evaluated: no data; pass --data");
    }
    String file = r.output().path();
    String v = CompressRequest.INT8_QDQ;
    TargetGpuReport.Option option =
        cuda
            ? measured(target, v, file, inputs, req.threads(), batch, progress)
            : projected(target, v, Models.loadOnnx(Path.of(file)).info(shapes), batch, notes);
    return new TargetGpuReport.Variant(v, file, Reports.size(Path.of(file)), r.fidelity(), option);
  }

  /** The dynamic int8 variant measured here, priced on every CPU catalog entry; the cheapest. */
  private static TargetGpuReport.Option bestCpu(
      CompressRequest req,
      Pricing base,
      Map<String, long[]> shapes,
      Consumer<String> progress,
      List<String> notes)
      throws InfercostException {
    int threads = req.threads();
    CompressRequest b =
        req.with(CompressRequest.INT8_DYNAMIC, req.outDir().resolve("cpu-int8"), false);
    String int8 = CompressWorkflow.run(b, progress).output().path();
    List<Tensor> inputs = SideBySide.syntheticInputs(int8, shapes, s -> {});
    ProfileOptions o =
        ProfileOptions.builder().optThreads(threads).optSampling(10, 1000, 60_000).build();
    var r = SideBySide.measure(List.of(int8), inputs, o, 3, progress).get(0);
    int batch = (int) inputs.get(0).shape()[0];
    double thr = batch * 1000.0 / r.stats().p50();
    List<String> cpus =
        base.catalog().entries().stream()
            .filter(e -> e.kind() == HardwareEntry.Kind.CPU && !e.example())
            .map(HardwareEntry::id)
            .toList();
    Pricing pricing = base.withTargets(cpus);
    ModelInfo info = Models.loadOnnx(Path.of(int8)).info(shapes);
    TargetGpuReport.Option best = null;
    for (Pricing.Priced p : pricing.price("int8-dynamic", info, batch, thr)) {
      if (best == null || p.costPerMillionUsd() < best.costPerMillionUsd()) {
        best =
            new TargetGpuReport.Option(
                p.hardware(),
                "int8-dynamic",
                p.throughput(),
                p.costPerMillionUsd(),
                (p.estimated() ? "estimated: " : "measured on ") + p.provenance());
      }
    }
    notes.addAll(pricing.notes());
    return best;
  }

  /**
   * Converts {@code fp32} to fp16 (fp32 islands for sensitive ops, fp32 I/O) into {@value
   * #FP16_FILE} under {@code dir}; returns that file.
   */
  static Path writeFp16(OnnxModel fp32, Path dir, Consumer<String> progress)
      throws InfercostException {
    Path file = Reports.outDir(dir).resolve(FP16_FILE);
    progress.accept("converting to fp16 (fp32 islands for sensitive ops, fp32 I/O)");
    Models.saveOnnx(Compressor.toFp16(fp32, Fp16Options.defaults()).model(), file);
    return file;
  }

  static String markdown(TargetGpuReport r) {
    StringBuilder b =
        new StringBuilder("# infercost compress --target-gpu ").append(r.gpu()).append("\n\n");
    b.append(
        "| variant | size | fidelity (mean cosine) | inferences/s | $/1M | how |\n|---|---|---|---|---|---|\n");
    for (var v : r.variants()) {
      var o = v.option();
      b.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %s | %s |%n",
              v.name(),
              v.bytes(),
              v.fidelity() == null
                  ? "not evaluated"
                  : String.format(Locale.ROOT, "%.5f", v.fidelity().meanCosine()),
              o == null ? "-" : String.format(Locale.ROOT, "%.1f", o.throughput()),
              o == null ? "-" : String.format(Locale.ROOT, "%.6g", o.costPerMillionUsd()),
              o == null ? "-" : o.provenance()));
    }
    if (r.bestCpu() != null) {
      var c = r.bestCpu();
      b.append(
          String.format(
              Locale.ROOT,
              "%nBest CPU option: %s on %s, %.1f inferences/s, $%.6g per 1M (%s).%n",
              c.variant(),
              c.hardware(),
              c.throughput(),
              c.costPerMillionUsd(),
              c.provenance()));
    }
    if (!r.notes().isEmpty()) {
      b.append("\n## Notes\n\n");
      r.notes().forEach(n -> b.append("- ").append(n).append('\n'));
    }
    return b.toString();
  }
}
