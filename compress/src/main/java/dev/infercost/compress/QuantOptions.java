package dev.infercost.compress;

/**
 * Options of dynamic int8 quantization.
 *
 * @param filter which nodes may be quantized
 * @param perChannel per-output-channel weight scales (default) or one scale per tensor
 * @param reducedRange 7-bit weights, needed by AVX2 kernels without VNNI (see {@link
 *     CpuFeatures#needsReducedRange()})
 * @param embeddings also store Gather tables (embeddings) as 8-bit
 */
public record QuantOptions(
    NodeFilter filter, boolean perChannel, boolean reducedRange, boolean embeddings) {
  public QuantOptions {
    if (filter == null) {
      throw new IllegalArgumentException("filter is required");
    }
  }

  /** Per-channel, 8-bit embeddings, reduced range where this CPU needs it. */
  public static QuantOptions defaults() {
    return new QuantOptions(NodeFilter.all(), true, CpuFeatures.needsReducedRange(), true);
  }
}
