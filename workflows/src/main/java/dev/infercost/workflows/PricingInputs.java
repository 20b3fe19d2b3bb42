package dev.infercost.workflows;

import dev.infercost.base.InfercostException;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.HostCpu;
import dev.infercost.cost.Projection;
import dev.infercost.cost.ProjectionCheck;
import dev.infercost.cost.Spread;
import dev.infercost.models.ModelInfo;
import dev.infercost.models.Op;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the {@code cost} module's pricing needs, taken from this host and a model's facts. */
final class PricingInputs {
  private PricingInputs() {}

  /** The user's catalog file, or the built-in catalog. */
  static Catalog catalog(Optional<Path> file) throws InfercostException {
    return file.isPresent() ? Catalog.load(file.get()) : Catalog.builtin();
  }

  /** This host's CPU as {@code cost} sees it ({@code /proc/cpuinfo} read once). */
  static HostCpu hostCpu(HostInfo h) {
    return HostCpu.of(
        h.cpuModel(), h.arch(), h.logicalCores(), h.cpuFeatures(), HostCpu.readCpuinfo());
  }

  /** Said when the input model is float16: its rows are named after the recipe, not its type. */
  static final String HALF_INPUT =
      "the input's weights are float16: the fp32 rows are the input as given, which a GPU runs in"
          + " float16 (priced at the fp16 peak)";

  /**
   * A model at a batch size as a GPU serves it; empty when its FLOPs are unknown at these shapes.
   * Int8 engines fold QuantizeLinear/DequantizeLinear into the kernels around them; a model whose
   * float16 weights outweigh its float32 ones is taken to run in float16.
   */
  static Optional<Projection.GpuGraph> gpuGraph(ModelInfo info, int batch) {
    if (info.flops() == null || (info.flops() == 0 && info.parameterBytes() == 0)) {
      return Optional.empty();
    }
    int fused = Op.count(info.ops(), Op.QUANTIZE_LINEAR, Op.DEQUANTIZE_LINEAR);
    ModelInfo.DTypeStats half = info.byDtype().get("float16");
    ModelInfo.DTypeStats single = info.byDtype().get("float32");
    boolean halfWeights = half != null && half.bytes() > (single == null ? 0 : single.bytes());
    return Optional.of(
        new Projection.GpuGraph(
            new Projection.Work(info.flops(), info.parameterBytes(), batch),
            2.0 * info.int8Macs(),
            info.nodes(),
            fused,
            halfWeights));
  }

  /**
   * The spread of a throughput computed from {@code stats}' latencies ({@link Spread#latencyCi}).
   */
  static Spread spread(LatencyStats stats) {
    return Spread.latencyCi(stats.p50(), stats.ciLow(), stats.ciHigh());
  }

  /** A note for each calibration of {@code check} whose serial fraction is too uncertain to use. */
  static List<String> unstableCalibrations(ProjectionCheck check) {
    List<String> notes = new ArrayList<>();
    for (boolean streams : new boolean[] {false, true}) {
      Projection.Scaling s = check.calibrated(streams);
      if (s != null && !s.stable()) {
        notes.add(
            "--calibrate-projection: not used for "
                + (streams ? "single-thread streams" : "intra-op threads")
                + ": "
                + s.how());
      }
    }
    return notes;
  }
}
