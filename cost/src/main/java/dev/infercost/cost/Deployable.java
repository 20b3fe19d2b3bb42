package dev.infercost.cost;

import java.util.Optional;

/**
 * What pricing needs to know of a model variant: its label for rows and notes, whether CPUs and
 * GPUs run it (and if not, why, for the notes), the precision a GPU runs it at, and whether CPUs
 * run it on integer kernels and with which int8 weight range.
 *
 * @param label the variant's name in rows and notes
 * @param notOnCpu why CPUs are not priced, or empty when they are
 * @param notOnGpu why GPUs are not priced, or empty when they are
 * @param gpuPrecision the datasheet peak a GPU roofline uses; at {@code INT8} the graph is taken to
 *     be in QDQ form (its int8 MACs at the int8 peak, the rest at fp16)
 * @param cpuInt8 whether CPUs run it on int8 integer kernels (its CPU projection then uses the
 *     catalog's {@code int8Factor}s); false for float graphs
 * @param int8FullRange whether its int8 weights use all 8 bits, which saturate on CPUs without a
 *     32-bit-accumulating int8 dot product ({@link HardwareEntry.Cpu#int8FullRange()}); false for
 *     7-bit weights, which run correctly everywhere, and for float graphs
 */
public record Deployable(
    String label,
    Optional<String> notOnCpu,
    Optional<String> notOnGpu,
    Projection.Precision gpuPrecision,
    boolean cpuInt8,
    boolean int8FullRange) {
  public Deployable {
    if (label == null || label.isBlank() || gpuPrecision == null) {
      throw new IllegalArgumentException("label and gpuPrecision are required");
    }
    if (int8FullRange && !cpuInt8) {
      throw new IllegalArgumentException("int8FullRange needs cpuInt8");
    }
  }

  /** A variant CPUs run on float kernels. */
  public Deployable(
      String label,
      Optional<String> notOnCpu,
      Optional<String> notOnGpu,
      Projection.Precision gpuPrecision) {
    this(label, notOnCpu, notOnGpu, gpuPrecision, false, false);
  }

  /** The same variant, run on CPU int8 kernels with full-range (8-bit) or 7-bit weights. */
  public Deployable int8Weights(boolean fullRange) {
    return new Deployable(label, notOnCpu, notOnGpu, gpuPrecision, true, fullRange);
  }

  /**
   * Whether {@code kind} hardware runs it: CPU entries run what CPUs run; GPU and on-premises
   * entries are priced by their accelerator.
   */
  public boolean runsOn(HardwareEntry.Kind kind) {
    return kind == HardwareEntry.Kind.CPU ? notOnCpu.isEmpty() : notOnGpu.isEmpty();
  }
}
