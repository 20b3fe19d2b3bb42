package dev.infercost.cost;

import dev.infercost.cost.internal.Checks;
import java.util.List;
import java.util.Locale;

/**
 * Throughput on hardware that was not measured, projected from measurements and datasheet peaks.
 * Every projected figure is {@link Figure#estimated() estimated} and carries its method and inputs.
 *
 * <h2>CPU: measured-host scaling</h2>
 *
 * The unit is the physical core. The host has c_h cores with v_h vCPUs (SMT threads) each and an
 * fp32 peak per core P_h; the model was measured at 1 thread (T₁, one thread owning a core) and,
 * where possible, at N threads (T_N). The measured speedup T_N ÷ T₁ is read as:
 *
 * <ul>
 *   <li>with N ≤ c_h (one thread per core): core scaling. Amdahl's {@code S(n) = 1 ÷ (s + (1 − s) ÷
 *       n)} with the serial fraction s fitted so that S(N) equals it; no SMT gain (g = 1);
 *   <li>with N > c_h on a single-core SMT host (a 2-vCPU x86 instance): the SMT gain g = T_N ÷ T₁,
 *       the throughput the sibling threads add to one core; core scaling cannot be measured there
 *       and is taken as linear (s = 0);
 *   <li>with N > c_h on a multi-core SMT host: s is fitted over the c_h cores with the SMT gain
 *       folded in, g = 1.
 * </ul>
 *
 * A target with per-core peak P_t, c_t cores and v_t vCPUs per core then gets
 *
 * <pre>
 *   T = T₁ × (P_t ÷ P_h) × S(c_t) × (g if v_t ≥ 2, else 1)
 * </pre>
 *
 * which gives back T_N for a target like the host. s is clamped to [0, 1] (superlinear counts as
 * linear, slowdowns as none), g to at least 1. With only T₁ (N = 1, or no second measurement)
 * linear core scaling and no SMT gain are assumed, which the method string says.
 *
 * <h2>GPU: roofline</h2>
 *
 * For work of F FLOPs (or int8 ops) and B bytes of memory traffic per batch of b inferences, on a
 * GPU with peak Π (at the chosen precision) and bandwidth W:
 *
 * <pre>
 *   time per batch = max(F ÷ (Π × η), B ÷ (W × η))        seconds
 *   throughput     = gpus × b ÷ time per batch              inferences/s
 * </pre>
 *
 * with one model replica per GPU. η is the fraction of peak reached; {@link
 * #DEFAULT_GPU_EFFICIENCY} is an assumption, not a measurement — calibrate it by dividing a
 * measured throughput on one GPU by the roofline at η = 1.
 *
 * <h2>GPU: serving a graph</h2>
 *
 * {@link #gpuServed} adds the fixed cost of launching each operator to the roofline time: {@code
 * time per batch = b ÷ roofline + (nodes − fused) × } {@link #GPU_LAUNCH_OVERHEAD_US}. This is the
 * model {@code choose}, {@code bench} and {@code --target-gpu} price GPUs with.
 */
public final class Projection {
  /**
   * Default fraction of datasheet peak compute and bandwidth reached (η = 0.5): an assumption for
   * inference kernels, which rarely sustain more than half of peak; calibrate it where possible.
   */
  public static final double DEFAULT_GPU_EFFICIENCY = 0.5;

  /** The unit of every projected figure. */
  public static final String UNIT = "inferences/s";

  private Projection() {}

  /**
   * A CPU host the model was measured on.
   *
   * @param name the host, for provenance ({@code aws-c6a.large})
   * @param peakGflopsPerCore its fp32 peak per physical core in GFLOP/s
   * @param cores c_h, its physical cores
   * @param vcpusPerCore v_h, SMT threads per core (1 without SMT)
   * @param throughputOneThread T₁, inferences/s at 1 thread
   * @param threads N, the threads of the second measurement (1 when there is none)
   * @param throughputAtThreads T_N, inferences/s at N threads (T₁ when N = 1)
   * @param calibrated s and g calibrated on many measurements ({@link #calibrate}), used instead of
   *     the fit to T_N; null for that fit
   */
  public record CpuHost(
      String name,
      double peakGflopsPerCore,
      int cores,
      int vcpusPerCore,
      double throughputOneThread,
      int threads,
      double throughputAtThreads,
      Scaling calibrated) {
    /** A host whose s and g are fitted to T₁ and T_N (see the class comment). */
    public CpuHost(
        String name,
        double peakGflopsPerCore,
        int cores,
        int vcpusPerCore,
        double throughputOneThread,
        int threads,
        double throughputAtThreads) {
      this(
          name,
          peakGflopsPerCore,
          cores,
          vcpusPerCore,
          throughputOneThread,
          threads,
          throughputAtThreads,
          null);
    }

    public CpuHost {
      Checks.nonBlank("name", name);
      Checks.positive("peakGflopsPerCore", peakGflopsPerCore);
      checkHost(cores, vcpusPerCore, "threads", threads, 1, throughputOneThread);
      Checks.positive("throughputAtThreads", throughputAtThreads);
    }

    /** Measured at 1 thread only: linear core scaling and no SMT gain are assumed. */
    public static CpuHost oneThread(
        String name, double peakGflopsPerCore, int cores, int vcpusPerCore, double t1) {
      return new CpuHost(name, peakGflopsPerCore, cores, vcpusPerCore, t1, 1, t1);
    }

    private double speedup() {
      return throughputAtThreads / throughputOneThread;
    }

    private boolean smtSiblingsBusy() {
      return vcpusPerCore > 1 && threads > cores;
    }

    /** The same host with s and g taken from {@code scaling} instead of fitted to T_N. */
    public CpuHost calibratedBy(Scaling scaling) {
      return new CpuHost(
          name,
          peakGflopsPerCore,
          cores,
          vcpusPerCore,
          throughputOneThread,
          threads,
          throughputAtThreads,
          scaling);
    }

    /** The Amdahl serial fraction over cores, clamped to [0, 1] (see the class comment). */
    public double serialFraction() {
      if (calibrated != null) {
        return calibrated.serialFraction();
      }
      if (threads == 1 || smtSiblingsBusy() && cores == 1) {
        return 0;
      }
      return fitted(speedup());
    }

    /**
     * The serial fractions the fit to T₁ and T_N allows when each may lie anywhere in its range
     * ({@code oneThread} and {@code atThreads} as factors on T₁ and T_N): from the highest speedup
     * (T_N high, T₁ low) to the lowest. A point where s is not fitted to T_N (calibrated, one
     * thread, one SMT core).
     */
    public Range serialFractionRange(Spread oneThread, Spread atThreads) {
      if (calibrated != null || threads == 1 || smtSiblingsBusy() && cores == 1) {
        return Range.point(serialFraction());
      }
      return new Range(
          fitted(speedup() * atThreads.high() / oneThread.low()),
          fitted(speedup() * atThreads.low() / oneThread.high()));
    }

    /** s fitted to a measured speedup over min(N, cores) cores, clamped to [0, 1]. */
    private double fitted(double speedup) {
      int n = Math.min(threads, cores);
      if (n == 1) {
        return 0;
      }
      return Math.min(1, Math.max(0, (n / speedup - 1) / (n - 1)));
    }

    /** The SMT gain g: what the sibling threads add to one busy core (at least 1). */
    public double smtGain() {
      if (calibrated != null) {
        return calibrated.smtGain();
      }
      return smtSiblingsBusy() && cores == 1 ? Math.max(1, speedup()) : 1;
    }

    private String fit() {
      if (calibrated != null) {
        return calibrated.how();
      }
      if (threads == 1) {
        return "thread scaling not measured: linear core scaling, no SMT gain assumed";
      }
      if (smtSiblingsBusy() && cores == 1) {
        return String.format(
            Locale.ROOT,
            "SMT gain %.4g measured with %d threads busy on 1 core; core scaling not measurable"
                + " here, linear assumed",
            smtGain(),
            threads);
      }
      return String.format(
          Locale.ROOT,
          "serial fraction %.4g fitted to %d threads on %d cores%s",
          serialFraction(),
          threads,
          cores,
          smtSiblingsBusy() ? " (SMT gain folded in)" : "");
    }
  }

  /** Cores and SMT threads at least 1, {@code count} at least {@code min}, T₁ positive. */
  private static void checkHost(
      int cores, int vcpusPerCore, String what, int count, int min, double throughputOneThread) {
    if (cores < 1 || vcpusPerCore < 1 || count < min) {
      throw new IllegalArgumentException(
          String.format(
              Locale.ROOT,
              "cores and vCPUs per core must be >= 1 and %s >= %d, got %d, %d, %d",
              what,
              min,
              cores,
              vcpusPerCore,
              count));
    }
    Checks.positive("throughputOneThread", throughputOneThread);
  }

  /** Amdahl's speedup at {@code n} threads for serial fraction {@code s}. */
  static double speedup(double s, int n) {
    return 1.0 / (s + (1 - s) / n);
  }

  /**
   * The widest range of a fitted serial fraction that is still used, 0.1 (a stated choice, not a
   * measurement). Over a range that wide Amdahl's speedup on 4 cores (the largest CPU entries of
   * the built-in catalog) moves by 23% (4 at s = 0, 3.08 at s = 0.1): more than twice the ±11% that
   * the 1-to-N ratio's own run-to-run spread ({@link Spread#RUN_TO_RUN} on each side) allows, so a
   * wider fit would add more uncertainty than the scaling it measures; linear core scaling (the
   * default wherever scaling is not measured) is used instead, and the provenance says so. On a
   * 2-core host the run-to-run spread alone makes the 1-vs-2-thread fit at least 0.2 wide, so it is
   * never used there (three runs on the development machine fitted 0.052, 0.119 and 0.651).
   */
  public static final double MAX_SERIAL_FRACTION_SPREAD = 0.1;

  /**
   * The CPU model's free parameters.
   *
   * @param serialFraction Amdahl's s over cores, in [0, 1]
   * @param serialFractionRange the values of s the fit's data allow (for a calibration, the range
   *     of s fitted to each pair alone; a point where there is nothing to spread)
   * @param smtGain g, what SMT siblings add to a busy core, at least 1
   * @param how how they were obtained, for provenance
   */
  public record Scaling(
      double serialFraction, Range serialFractionRange, double smtGain, String how) {
    /** Linear core scaling and no SMT gain: what the model assumes with nothing to fit. */
    public static final Scaling DEFAULT =
        new Scaling(0, 1, "defaults: linear core scaling, no SMT gain");

    /** Parameters without a spread (the serial fraction's range is the value alone). */
    public Scaling(double serialFraction, double smtGain, String how) {
      this(serialFraction, Range.point(serialFraction), smtGain, how);
    }

    public Scaling {
      if (!(serialFraction >= 0 && serialFraction <= 1) || !(smtGain >= 1)) {
        throw new IllegalArgumentException(
            "serial fraction must be in [0, 1] and SMT gain >= 1, got "
                + serialFraction
                + ", "
                + smtGain);
      }
      if (serialFractionRange == null || !serialFractionRange.contains(serialFraction)) {
        throw new IllegalArgumentException(
            "the serial fraction's range must contain it, got "
                + serialFractionRange
                + " for "
                + serialFraction);
      }
      Checks.nonBlank("how", how);
    }

    /**
     * Whether the serial fraction is known well enough to project with: its range is at most {@link
     * #MAX_SERIAL_FRACTION_SPREAD} wide.
     */
    public boolean stable() {
      return Projection.stable(serialFractionRange);
    }
  }

  /**
   * Whether a serial fraction in {@code range} is used: at most {@link #MAX_SERIAL_FRACTION_SPREAD}
   * wide.
   */
  public static boolean stable(Range serialFractionRange) {
    return serialFractionRange.width() <= MAX_SERIAL_FRACTION_SPREAD + 1e-12;
  }

  /**
   * A throughput measured on a host with {@code busyVcpus} vCPUs busy (threads of one stream, or
   * single-thread streams), next to the same variant's 1-thread throughput there: what the CPU
   * model is checked and calibrated against.
   *
   * @param label what was measured ({@code int8-dynamic batch 1, 2 streams x 1 thread})
   * @param streams whether the vCPUs were busy as single-thread streams (else as the intra-op
   *     threads of one stream): the two scale differently, so each is calibrated on its own
   * @param cores the host's physical cores
   * @param vcpusPerCore its SMT threads per core
   * @param throughputOneThread T₁, inferences/s at 1 thread
   * @param busyVcpus n, vCPUs busy in this measurement (> 1)
   * @param measured inferences/s measured with n vCPUs busy
   */
  public record ScalingSample(
      String label,
      boolean streams,
      int cores,
      int vcpusPerCore,
      double throughputOneThread,
      int busyVcpus,
      double measured) {
    public ScalingSample {
      Checks.nonBlank("label", label);
      checkHost(cores, vcpusPerCore, "busy vCPUs", busyVcpus, 2, throughputOneThread);
      Checks.positive("measured", measured);
    }

    /**
     * What the CPU model projects for this measurement from T₁ alone: {@code T₁ × S(min(n, cores))
     * × (g when n exceeds the cores of an SMT host)}.
     */
    public double projected(Scaling scaling) {
      double t =
          throughputOneThread * speedup(scaling.serialFraction(), Math.min(busyVcpus, cores));
      return busyVcpus > cores && vcpusPerCore > 1 ? t * scaling.smtGain() : t;
    }

    /** (projected − measured) ÷ measured, in percent. */
    public double errorPercent(Scaling scaling) {
      return (projected(scaling) - measured) / measured * 100;
    }
  }

  /**
   * The serial fraction and SMT gain that minimise the mean absolute percentage error of {@link
   * ScalingSample#projected} over {@code samples} (a grid over s ∈ [0, 1] and g ∈ [1, 2], refined
   * around the best point). The SMT gain stays 1 unless a sample had SMT siblings busy.
   *
   * @param how the provenance of the result
   */
  public static Scaling calibrate(List<ScalingSample> samples, String how) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("calibration needs at least one sample");
    }
    boolean smt = samples.stream().anyMatch(x -> x.busyVcpus() > x.cores() && x.vcpusPerCore() > 1);
    double[] best = {0, 1};
    double bestErr = Double.POSITIVE_INFINITY;
    for (double step : new double[] {0.01, 0.0005, 0.00001}) {
      double s0 = best[0];
      double g0 = best[1];
      double span = step == 0.01 ? 1 : step * 40;
      for (double s = Math.max(0, s0 - span); s <= Math.min(1, s0 + span) + 1e-12; s += step) {
        double gLo = smt ? Math.max(1, g0 - span) : 1;
        double gHi = smt ? Math.min(2, g0 + span) : 1;
        for (double g = gLo; g <= gHi + 1e-12; g += step) {
          double err = mape(samples, new Scaling(Math.min(1, s), Math.min(2, g), "fit"));
          if (err < bestErr) {
            bestErr = err;
            best = new double[] {Math.min(1, s), Math.min(2, g)};
          }
        }
      }
    }
    return new Scaling(best[0], best[1], how);
  }

  /** Mean absolute percentage error of {@code scaling} over {@code samples}. */
  public static double mape(List<ScalingSample> samples, Scaling scaling) {
    double sum = 0;
    for (ScalingSample x : samples) {
      sum += Math.abs(x.errorPercent(scaling));
    }
    return sum / samples.size();
  }

  /**
   * The measured throughput itself, labelled {@code measured} on the host.
   *
   * @param throughputPerS inferences/s
   * @param host where it was measured
   */
  public static Figure measured(double throughputPerS, String host) {
    Checks.positive("throughputPerS", throughputPerS);
    return Figure.measured(throughputPerS, UNIT, host);
  }

  /**
   * CPU projection onto a target with {@code targetPeakGflopsPerCore} per core, {@code targetCores}
   * cores and {@code targetVcpusPerCore} SMT threads per core (see the class comment).
   */
  public static Figure cpu(
      CpuHost host, double targetPeakGflopsPerCore, int targetCores, int targetVcpusPerCore) {
    return cpu(host, targetPeakGflopsPerCore, targetCores, targetVcpusPerCore, "target");
  }

  /**
   * CPU projection onto a catalog entry, using its {@code cpu.fp32GflopsPerCore}, {@link
   * HardwareEntry#cores()} and {@code cpu.vcpusPerCore}.
   *
   * @throws CatalogException when the entry lacks the per-core peak or the core count
   */
  public static Figure cpu(CpuHost host, HardwareEntry target) throws CatalogException {
    Double peak = target.cpu().fp32GflopsPerCore();
    if (peak == null) {
      throw new CatalogException(
          "catalog entry '"
              + target.id()
              + "': cpu.fp32GflopsPerCore is null (not found); set it in a catalog file with"
              + " \"extends\": \"builtin\" to project onto this entry");
    }
    Integer cores = target.cores();
    if (cores == null) {
      throw new CatalogException(
          "catalog entry '"
              + target.id()
              + "': core count unknown (vcpus or cpu.vcpusPerCore is null); set cpu.vcpusPerCore"
              + " in a catalog file with \"extends\": \"builtin\"");
    }
    return cpu(host, peak, cores, target.cpu().vcpusPerCore(), target.id());
  }

  private static Figure cpu(
      CpuHost host, double targetPeak, int targetCores, int targetVcpusPerCore, String target) {
    Checks.positive("targetPeakGflopsPerCore", targetPeak);
    if (targetCores < 1 || targetVcpusPerCore < 1) {
      throw new IllegalArgumentException(
          "target cores and vCPUs per core must be >= 1, got "
              + targetCores
              + ", "
              + targetVcpusPerCore);
    }
    double scaling = speedup(host.serialFraction(), targetCores);
    double smt = targetVcpusPerCore > 1 ? host.smtGain() : 1;
    double value =
        host.throughputOneThread() * (targetPeak / host.peakGflopsPerCore()) * scaling * smt;
    String method =
        String.format(
            Locale.ROOT,
            "cpu-scaling onto %s: %.6g/s measured on %s at 1 thread × per-core peak %.6g/%.6g"
                + " GFLOP/s × Amdahl S(%d cores) %.4g × SMT gain %.4g (%s)",
            target,
            host.throughputOneThread(),
            host.name(),
            targetPeak,
            host.peakGflopsPerCore(),
            targetCores,
            scaling,
            smt,
            host.fit());
    return Figure.estimated(value, UNIT, method);
  }

  /** Which datasheet peak a roofline uses. */
  public enum Precision {
    /** {@code fp32Tflops}. */
    FP32,
    /** {@code fp16Tflops} (tensor cores). */
    FP16,
    /** {@code int8Tops} (tensor cores). */
    INT8
  }

  /**
   * The work of one batch.
   *
   * @param flopsPerBatch floating-point (or int8) operations per batch, counting a multiply-add as
   *     2 (>= 0)
   * @param bytesPerBatch bytes moved to and from GPU memory per batch: weights once plus
   *     activations (>= 0; not both zero)
   * @param batch inferences per batch (>= 1)
   */
  public record Work(double flopsPerBatch, double bytesPerBatch, int batch) {
    public Work {
      Checks.nonNegative("flopsPerBatch", flopsPerBatch);
      Checks.nonNegative("bytesPerBatch", bytesPerBatch);
      if (flopsPerBatch == 0 && bytesPerBatch == 0) {
        throw new IllegalArgumentException("flopsPerBatch and bytesPerBatch cannot both be 0");
      }
      if (batch < 1) {
        throw new IllegalArgumentException("batch must be >= 1, got " + batch);
      }
    }
  }

  /**
   * Roofline projection with explicit peaks.
   *
   * @param peakTflopsPerGpu peak at the chosen precision in TFLOP/s (or TOP/s) per GPU
   * @param bandwidthGbPerSPerGpu memory bandwidth per GPU in GB/s
   * @param gpus GPUs, each running one replica
   * @param efficiency η, the fraction of peak reached (0 &lt; η &lt;= 1)
   * @param target the target's name, for provenance
   */
  public static Figure gpu(
      Work work,
      double peakTflopsPerGpu,
      double bandwidthGbPerSPerGpu,
      int gpus,
      double efficiency,
      String target) {
    Checks.positive("peakTflopsPerGpu", peakTflopsPerGpu);
    Checks.positive("bandwidthGbPerSPerGpu", bandwidthGbPerSPerGpu);
    if (gpus < 1) {
      throw new IllegalArgumentException("gpus must be >= 1, got " + gpus);
    }
    if (!(efficiency > 0 && efficiency <= 1)) {
      throw new IllegalArgumentException("efficiency must be in (0, 1], got " + efficiency);
    }
    Checks.nonBlank("target", target);
    double computeS = work.flopsPerBatch() / (peakTflopsPerGpu * 1e12 * efficiency);
    double memoryS = work.bytesPerBatch() / (bandwidthGbPerSPerGpu * 1e9 * efficiency);
    double timeS = Math.max(computeS, memoryS);
    double value = gpus * work.batch() / timeS;
    String method =
        String.format(
            Locale.ROOT,
            "roofline onto %s: %s-bound, time per batch max(%.4g FLOP ÷ (%.6g TFLOP/s × %.3g),"
                + " %.4g B ÷ (%.6g GB/s × %.3g)) = %.4g ms for batch %d, × %d GPU(s)",
            target,
            computeS >= memoryS ? "compute" : "memory",
            work.flopsPerBatch(),
            peakTflopsPerGpu,
            efficiency,
            work.bytesPerBatch(),
            bandwidthGbPerSPerGpu,
            efficiency,
            timeS * 1e3,
            work.batch(),
            gpus);
    return Figure.estimated(value, UNIT, method);
  }

  /** Roofline projection onto a catalog entry at {@link #DEFAULT_GPU_EFFICIENCY}. */
  public static Figure gpu(Work work, HardwareEntry target, Precision precision)
      throws CatalogException {
    return gpu(work, target, precision, DEFAULT_GPU_EFFICIENCY);
  }

  /**
   * Roofline projection onto a catalog entry's accelerator, with all its GPUs each running a
   * replica. Figures the catalog marks as derived are named in the method string.
   *
   * @throws CatalogException when the entry has no accelerator, or lacks the peak at {@code
   *     precision} or the memory bandwidth
   */
  public static Figure gpu(Work work, HardwareEntry target, Precision precision, double efficiency)
      throws CatalogException {
    HardwareEntry.Accelerator a = accelerator(target);
    double peak = peak(target, precision);
    Figure f =
        gpu(
            work,
            peak,
            bandwidth(target),
            a.count(),
            efficiency,
            target.id() + " (" + a.count() + "× " + a.name() + ", " + precision + ")");
    return withDerived(f, a, field(precision));
  }

  /**
   * Roofline for a graph in QDQ form on int8 tensor cores: {@code int8FlopsPerBatch} of the work at
   * the int8 peak and the rest at the fp16 peak (the engine builds the layers it cannot run in int8
   * in fp16, as TensorRT does with both precisions enabled). The compute time is the sum of the two
   * parts, so the roofline uses the effective peak {@code F ÷ (F_int8 ÷ Π_int8 + F_rest ÷ Π_fp16)}.
   *
   * @throws CatalogException when the entry lacks either peak or the memory bandwidth
   */
  public static Figure gpuInt8(Work work, double int8FlopsPerBatch, HardwareEntry target)
      throws CatalogException {
    if (!(int8FlopsPerBatch >= 0 && int8FlopsPerBatch <= work.flopsPerBatch())) {
      throw new IllegalArgumentException(
          "int8FlopsPerBatch must be in [0, flopsPerBatch], got " + int8FlopsPerBatch);
    }
    HardwareEntry.Accelerator a = accelerator(target);
    double int8 = peak(target, Precision.INT8);
    double fp16 = peak(target, Precision.FP16);
    double rest = work.flopsPerBatch() - int8FlopsPerBatch;
    double seconds = int8FlopsPerBatch / int8 + rest / fp16;
    double effective = seconds > 0 ? work.flopsPerBatch() / seconds : int8;
    String label =
        String.format(
            Locale.ROOT,
            "%s (%d× %s, INT8 %.4g of %.4g FLOP at %.6g TOP/s, rest FP16 at %.6g TFLOP/s:"
                + " effective %.6g)",
            target.id(),
            a.count(),
            a.name(),
            int8FlopsPerBatch,
            work.flopsPerBatch(),
            int8,
            fp16,
            effective);
    Figure f = gpu(work, effective, bandwidth(target), a.count(), DEFAULT_GPU_EFFICIENCY, label);
    return withDerived(f, a, field(Precision.INT8), field(Precision.FP16));
  }

  /**
   * Assumed cost of launching one operator on a GPU (CUDA kernel launch and bookkeeping), in
   * microseconds: an assumption, not a measurement.
   */
  public static final double GPU_LAUNCH_OVERHEAD_US = 5;

  /**
   * A model graph as a GPU serves it.
   *
   * @param work FLOPs and bytes of one batch
   * @param int8FlopsPerBatch the part of the FLOPs a QDQ graph runs on int8 tensor cores (2 × its
   *     int8 MACs; 0 for float graphs)
   * @param nodes operators in the graph
   * @param fusedNodes operators an engine folds into their neighbours (QuantizeLinear and
   *     DequantizeLinear in a QDQ graph), launched at no cost
   * @param halfWeights its float weights are mostly float16 (a model exported or converted in
   *     half): a GPU runs it in float16, whatever precision its recipe declares
   */
  public record GpuGraph(
      Work work, double int8FlopsPerBatch, int nodes, int fusedNodes, boolean halfWeights) {
    public GpuGraph {
      if (work == null || nodes < 0 || fusedNodes < 0 || fusedNodes > nodes) {
        throw new IllegalArgumentException(
            "work is required and 0 <= fusedNodes <= nodes, got " + fusedNodes + ", " + nodes);
      }
    }

    /** A graph with float32 weights. */
    public GpuGraph(Work work, double int8FlopsPerBatch, int nodes, int fusedNodes) {
      this(work, int8FlopsPerBatch, nodes, fusedNodes, false);
    }
  }

  /**
   * A GPU serving {@code graph} at {@code declared} precision (at FP16 when it is FP32 and the
   * graph's weights are float16): the roofline ({@link #gpu(Work, HardwareEntry, Precision)}, or
   * {@link #gpuInt8} at {@code INT8}) plus {@link #GPU_LAUNCH_OVERHEAD_US} per launched operator. A
   * roofline alone ignores the fixed cost of launching each operator, which dominates small models
   * on a GPU, and would price tiny models as if they ran at datasheet peak:
   *
   * <pre>
   *   time per batch = b ÷ roofline throughput + (nodes − fused) × launch overhead
   * </pre>
   *
   * @throws CatalogException when the entry lacks a figure the roofline needs
   */
  public static Figure gpuServed(GpuGraph graph, HardwareEntry target, Precision declared)
      throws CatalogException {
    Work work = graph.work();
    // A float16 model the recipe left as it was (the input itself) runs in float16.
    Precision precision =
        declared == Precision.FP32 && graph.halfWeights() ? Precision.FP16 : declared;
    Figure roof =
        precision == Precision.INT8
            ? gpuInt8(work, graph.int8FlopsPerBatch(), target)
            : gpu(work, target, precision);
    int kernels = graph.nodes() - graph.fusedNodes();
    double batchMs = work.batch() * 1000.0 / roof.value() + kernels * GPU_LAUNCH_OVERHEAD_US / 1000;
    return Figure.estimated(
        work.batch() * 1000.0 / batchMs,
        roof.unit(),
        roof.provenance().detail()
            + String.format(
                Locale.ROOT,
                " + %d nodes x %.0f us launch overhead (assumed, not measured%s)",
                kernels,
                GPU_LAUNCH_OVERHEAD_US,
                graph.fusedNodes() == 0
                    ? ""
                    : "; " + graph.fusedNodes() + " Q/DQ nodes counted as fused"));
  }

  private static HardwareEntry.Accelerator accelerator(HardwareEntry target)
      throws CatalogException {
    if (target.accelerator() == null) {
      throw new CatalogException(
          "catalog entry '" + target.id() + "' has no accelerator; a roofline needs a GPU entry");
    }
    return target.accelerator();
  }

  private static String field(Precision precision) {
    return switch (precision) {
      case FP32 -> "fp32Tflops";
      case FP16 -> "fp16Tflops";
      case INT8 -> "int8Tops";
    };
  }

  private static double peak(HardwareEntry target, Precision precision) throws CatalogException {
    HardwareEntry.Accelerator a = accelerator(target);
    Double peak =
        switch (precision) {
          case FP32 -> a.fp32Tflops();
          case FP16 -> a.fp16Tflops();
          case INT8 -> a.int8Tops();
        };
    if (peak == null) {
      throw new CatalogException(
          "catalog entry '"
              + target.id()
              + "': accelerator."
              + field(precision)
              + " is null (not found for "
              + a.name()
              + "); set it in a catalog file with \"extends\": \"builtin\" or choose another"
              + " precision");
    }
    return peak;
  }

  private static double bandwidth(HardwareEntry target) throws CatalogException {
    HardwareEntry.Accelerator a = accelerator(target);
    if (a.memoryBandwidthGbPerS() == null) {
      throw new CatalogException(
          "catalog entry '"
              + target.id()
              + "': accelerator.memoryBandwidthGbPerS is null (not found); set it in a catalog"
              + " file with \"extends\": \"builtin\"");
    }
    return a.memoryBandwidthGbPerS();
  }

  /** {@code f} with the catalog fields it used that are marked derived named in its method. */
  private static Figure withDerived(Figure f, HardwareEntry.Accelerator a, String... fields) {
    StringBuilder derived = new StringBuilder();
    for (String d : fields) {
      if (a.isDerived(d)) {
        derived.append(derived.length() == 0 ? "" : ", ").append(d);
      }
    }
    if (a.isDerived("memoryBandwidthGbPerS")) {
      derived.append(derived.length() == 0 ? "" : ", ").append("memoryBandwidthGbPerS");
    }
    if (derived.length() == 0) {
      return f;
    }
    return Figure.estimated(
        f.value(),
        UNIT,
        f.provenance().detail() + "; derived catalog figures: " + derived + " (" + a.note() + ")");
  }
}
