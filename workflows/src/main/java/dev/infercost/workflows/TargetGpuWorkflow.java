package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.CatalogException;
import dev.infercost.cost.CostModel;
import dev.infercost.cost.Deployable;
import dev.infercost.cost.Figure;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.cost.Pricer;
import dev.infercost.cost.Projection;
import dev.infercost.models.ModelInfo;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import dev.infercost.models.Tensor;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.Profiler;
import dev.infercost.profile.SideBySide;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code compress --target-gpu NAME}: builds the variants that make sense on a GPU (fp32 as is,
 * fp16 with fp32 islands and fp32 I/O, and static int8 in QDQ form where the GPU has int8 tensor
 * cores), measures them on CUDA when this build and host have it, projects them onto the catalog
 * GPU otherwise ({@link Projection#gpuServed}, labelled estimated), and puts the cost per 1M
 * inferences next to the best CPU option for the dynamic int8 variant measured on this host. The
 * request's data, calibration data and quantization options apply to both int8 variants.
 */
public final class TargetGpuWorkflow {
  /** Where the dynamic int8 variant priced on CPUs is built, inside the output folder. */
  private static final String CPU_INT8_DIR = "cpu-int8";

  private TargetGpuWorkflow() {}

  /**
   * Runs the request. The output folder is locked for the run (a second run into it is refused),
   * and a run that fails or is interrupted leaves none of its files behind.
   */
  public static TargetGpuReport run(CompressRequest req, String gpu, Consumer<String> progress)
      throws InfercostException {
    List<String> names =
        List.of(
            Reports.JSON_FILE,
            Reports.MARKDOWN_FILE,
            Method.FP16.fileName(),
            Method.INT8_QDQ.label(),
            CPU_INT8_DIR);
    req.checkOutputs(names);
    return Reports.inOutputSet(req.outDir(), names, dir -> run(req, gpu, dir, progress));
  }

  private static TargetGpuReport run(
      CompressRequest req, String gpu, Path outDir, Consumer<String> progress)
      throws InfercostException {
    ModelRef model = req.model();
    int threads = req.threads();
    HostInfo host = HostInfo.current();
    Catalog catalog = Catalog.builtin();
    HardwareEntry target = catalog.require(gpu);
    if (target.accelerator() == null) {
      throw new InfercostException(
          gpu
              + ": catalog entry '"
              + target.id()
              + "' has no GPU; pick one of "
              + String.join(", ", projectable(catalog)),
          Parameter.TARGET_GPU);
    }
    if (target.accelerator().fp32Tflops() == null && !Profiler.cudaAvailable()) {
      // Refused before anything is built: without a peak no GPU figure can be projected.
      throw new InfercostException(
          gpu
              + ": the catalog has no sourced fp32 peak for "
              + target.accelerator().name()
              + " ('"
              + target.id()
              + "'), so no GPU variant could be priced without CUDA here; pick one of "
              + String.join(", ", projectable(catalog))
              + ", or run on a CUDA host (-Pcuda build) to measure",
          Parameter.TARGET_GPU);
    }
    List<String> notes = new ArrayList<>();
    List<Tensor> inputs =
        SideBySide.syntheticInputs(model.path(), req.shapes(), n -> progress.accept("note: " + n));
    Map<String, long[]> used = new LinkedHashMap<>();
    inputs.forEach(t -> used.put(t.name(), t.shape()));
    int batch = EvalData.samplesIn(inputs);
    boolean cuda = Profiler.cudaAvailable();
    if (!cuda) {
      notes.add(
          "no CUDA execution provider in this build or host: GPU figures are roofline projections"
              + " (estimated); build with -Pcuda on a GPU host to measure");
    }
    DataPlan plan = req.plan();
    List<BuiltVariant> gpuVariants = new ArrayList<>();
    gpuVariants.add(
        Variants.of(model, plan.withoutEvaluation(), threads, progress)
            .build(new Recipe.Fp32(), outDir));
    Variants builder = Variants.of(model, plan, threads, progress);
    gpuVariants.add(builder.build(Recipe.of(Method.FP16), outDir));
    if (plan.evaluation().isEmpty()) {
      notes.add("fp16 fidelity not evaluated: no evaluation data given");
    }
    if (target.accelerator().int8Tops() == null) {
      notes.add(
          "int8-qdq not built: the catalog has no int8 tensor-core peak for "
              + target.accelerator().name());
    } else if (plan.calibration().isEmpty()) {
      notes.add(
          "int8-qdq not built: static int8 needs calibration data; pass data to calibrate on");
    } else {
      BuiltVariant q =
          builder.build(new Recipe.Int8Qdq(req.quant()), outDir.resolve(Method.INT8_QDQ.label()));
      if (q.fidelity().isEmpty()) {
        notes.add("int8-qdq fidelity not evaluated: no evaluation data given");
      }
      gpuVariants.add(q);
    }
    List<TargetGpuReport.Variant> variants = new ArrayList<>();
    for (BuiltVariant v : gpuVariants) {
      TargetGpuReport.Option option =
          cuda
              ? measured(target, v, inputs, threads, batch, progress)
              : projected(target, v, Models.loadOnnx(v.file()).info(used), batch, notes);
      variants.add(
          new TargetGpuReport.Variant(
              v.method().label(),
              v.file().toString(),
              v.bytes(),
              v.fidelity().orElse(null),
              option));
    }
    TargetGpuReport.Option cpu = bestCpu(req, catalog, host, used, progress, notes);
    TargetGpuReport r =
        new TargetGpuReport(1, "target-gpu", model.name(), target.id(), variants, cpu, notes, host);
    Reports.writeReport(outDir, r, markdown(r));
    return r;
  }

  /**
   * The GPUs {@code --target-gpu} can project onto: catalog entries with a sourced fp32 peak, by
   * their shortest name.
   */
  public static List<String> projectable(Catalog catalog) {
    return catalog.entries().stream()
        .filter(e -> e.accelerator() != null && e.accelerator().fp32Tflops() != null)
        .map(
            e ->
                java.util.stream.Stream.concat(
                        e.aliases().stream(), java.util.stream.Stream.of(e.id()))
                    .min(java.util.Comparator.comparingInt(String::length))
                    .orElseThrow())
        .toList();
  }

  private static TargetGpuReport.Option measured(
      HardwareEntry target,
      BuiltVariant v,
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
    var r = SideBySide.measure(List.of(v.file().toString()), inputs, o, 3, progress).get(0);
    double thr = batch * 1000.0 / r.stats().p50();
    HostInfo h = HostInfo.current();
    String how = "this host's CUDA GPU (" + h.cpuModel() + " host), priced as " + target.id();
    if (v.method() == Method.INT8_QDQ) {
      how +=
          "; ONNX Runtime's CUDA provider runs QDQ as DequantizeLinear + float kernels, not on int8"
              + " tensor cores (TensorRT is not in this build): an upper bound on int8 latency";
    }
    return new TargetGpuReport.Option(
        target.id(),
        v.method().label(),
        thr,
        CostModel.costPerMillion(CostModel.hourlyUsd(target), thr),
        Figure.Provenance.measured(how));
  }

  private static TargetGpuReport.Option projected(
      HardwareEntry target, BuiltVariant v, ModelInfo info, int batch, List<String> notes)
      throws InfercostException {
    Optional<Projection.GpuGraph> graph = PricingInputs.gpuGraph(info, batch);
    if (graph.isEmpty()) {
      throw new InfercostException(
          info.file() + ": FLOPs unknown at these shapes; give a shape for every input",
          Parameter.SHAPES);
    }
    if (v.method() == Method.FP32 && graph.get().halfWeights()) {
      notes.add(PricingInputs.HALF_INPUT);
    }
    try {
      Figure f = Projection.gpuServed(graph.get(), target, v.method().deployable().gpuPrecision());
      double thr = f.value();
      return new TargetGpuReport.Option(
          target.id(),
          v.method().label(),
          thr,
          CostModel.costPerMillion(CostModel.hourlyUsd(target), thr),
          f.provenance());
    } catch (CatalogException e) {
      notes.add(v.method().label() + " not projected: " + e.getMessage());
      return null;
    }
  }

  /**
   * The dynamic int8 variant measured here, priced on every CPU catalog entry; the cheapest. Where
   * int8-dynamic rewrote nothing (a CNN: it does not touch Conv) the variant is the input, priced
   * as fp32 with no int8 speed-up, and a note says so.
   */
  private static TargetGpuReport.Option bestCpu(
      CompressRequest req,
      Catalog catalog,
      HostInfo host,
      Map<String, long[]> shapes,
      Consumer<String> progress,
      List<String> notes)
      throws InfercostException {
    int threads = req.threads();
    BuiltVariant int8 =
        Variants.of(req.model(), req.plan().withoutEvaluation(), threads, progress)
            .build(new Recipe.Int8Dynamic(req.quant()), req.outDir().resolve(CPU_INT8_DIR));
    // The input's graph is read only when int8-dynamic changed nothing: an input that is already
    // int8 runs in int8 however int8-dynamic left it, a float one is priced as fp32.
    Optional<String> unchanged = Unchanged.reason(int8, req.model().file());
    OnnxModel input = unchanged.isPresent() ? Models.loadOnnxGraph(req.model().file()) : null;
    boolean asFp32 = input != null && input.quantizedOps().isEmpty();
    if (asFp32) {
      List<OpTable.Row> ops =
          OpTable.of(
              req.model().file(),
              int8.passes().stream().map(CompressReport.PassSummary::of).toList());
      notes.add(
          "best CPU option priced as fp32 ("
              + unchanged.get()
              + ")"
              + OpTable.floatConvs(int8, ops, false).map(c -> "; " + c).orElse(""));
    }
    Deployable deployable = asFp32 ? Method.FP32.deployable() : int8.recipe().deployable();
    String label = asFp32 ? Method.FP32.label() : int8.method().label();
    List<Tensor> inputs = SideBySide.syntheticInputs(int8.file().toString(), shapes, s -> {});
    ProfileOptions o =
        ProfileOptions.builder().optThreads(threads).optSampling(10, 1000, 60_000).build();
    var r = SideBySide.measure(List.of(int8.file().toString()), inputs, o, 3, progress).get(0);
    int batch = EvalData.samplesIn(inputs);
    double thr = batch * 1000.0 / r.stats().p50();
    List<String> cpus =
        catalog.entries().stream()
            .filter(e -> e.kind() == HardwareEntry.Kind.CPU && !e.example())
            .map(HardwareEntry::id)
            .toList();
    Pricer pricer =
        Pricer.of(catalog, cpus, Optional.empty(), PricingInputs.hostCpu(host), threads);
    ModelInfo info = Models.loadOnnx(int8.file()).info(shapes);
    Pricer.Prices prices = pricer.price(deployable, PricingInputs.gpuGraph(info, batch), thr);
    TargetGpuReport.Option best = null;
    for (Pricer.Priced p : prices.rows()) {
      if (best == null || p.costPerMillionUsd() < best.costPerMillionUsd()) {
        best =
            new TargetGpuReport.Option(
                p.hardware(),
                label,
                p.throughput().value(),
                p.costPerMillionUsd(),
                p.throughput().provenance());
      }
    }
    notes.addAll(prices.notes());
    return best;
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
