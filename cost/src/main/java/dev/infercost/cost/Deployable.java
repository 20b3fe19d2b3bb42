package dev.infercost.cost;

import java.util.Optional;

/**
 * What pricing needs to know of a model variant: its label for rows and notes, whether CPUs and
 * GPUs run it (and if not, why, for the notes), and the precision a GPU runs it at.
 *
 * @param label the variant's name in rows and notes
 * @param notOnCpu why CPUs are not priced, or empty when they are
 * @param notOnGpu why GPUs are not priced, or empty when they are
 * @param gpuPrecision the datasheet peak a GPU roofline uses; at {@code INT8} the graph is taken to
 *     be in QDQ form (its int8 MACs at the int8 peak, the rest at fp16)
 */
public record Deployable(
    String label,
    Optional<String> notOnCpu,
    Optional<String> notOnGpu,
    Projection.Precision gpuPrecision) {
  public Deployable {
    if (label == null || label.isBlank() || gpuPrecision == null) {
      throw new IllegalArgumentException("label and gpuPrecision are required");
    }
  }

  /**
   * Whether {@code kind} hardware runs it: CPU entries run what CPUs run; GPU and on-premises
   * entries are priced by their accelerator.
   */
  public boolean runsOn(HardwareEntry.Kind kind) {
    return kind == HardwareEntry.Kind.CPU ? notOnCpu.isEmpty() : notOnGpu.isEmpty();
  }
}
