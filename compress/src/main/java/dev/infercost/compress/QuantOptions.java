package dev.infercost.compress;

/**
 * Options of dynamic int8 quantization.
 *
 * @param filter which nodes may be quantized
 * @param perChannel per-output-channel weight scales (default) or one scale per tensor
 * @param reducedRange 7-bit weights, needed by AVX2 kernels without VNNI (see {@link
 *     CpuFeatures#needsReducedRange()})
 * @param embeddings also store Gather tables (embeddings) as 8-bit
 * @param smoothAlpha SmoothQuant migration strength (0 turns it off, {@link PassContext#AUTO_ALPHA}
 *     picks one per activation); needs calibration data
 */
public record QuantOptions(
    NodeFilter filter,
    boolean perChannel,
    boolean reducedRange,
    boolean embeddings,
    double smoothAlpha) {

  public QuantOptions {
    if (filter == null) {
      throw new IllegalArgumentException("filter is required");
    }
    if (smoothAlpha != PassContext.AUTO_ALPHA && !(smoothAlpha >= 0 && smoothAlpha <= 1)) {
      throw new IllegalArgumentException("smooth alpha must be in [0, 1], got " + smoothAlpha);
    }
  }

  /** Per-channel, 8-bit embeddings, searched smoothing, reduced range where this CPU needs it. */
  public static QuantOptions defaults() {
    return new QuantOptions(
        NodeFilter.all(), true, CpuFeatures.needsReducedRange(), true, PassContext.AUTO_ALPHA);
  }
}
