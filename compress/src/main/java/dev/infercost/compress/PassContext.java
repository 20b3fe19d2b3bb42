package dev.infercost.compress;

/**
 * Settings shared by the passes of one pipeline run.
 *
 * @param filter which nodes may be rewritten
 * @param perChannel per-output-channel weight scales (else one scale per tensor)
 * @param reducedRange 7-bit weights ([-63, 63]) so that AVX2 kernels without VNNI cannot saturate
 *     their 16-bit intermediate sums
 */
public record PassContext(NodeFilter filter, boolean perChannel, boolean reducedRange) {
  public PassContext {
    if (filter == null) {
      throw new IllegalArgumentException("filter is required");
    }
  }
}
