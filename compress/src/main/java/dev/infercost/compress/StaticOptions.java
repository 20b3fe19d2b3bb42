package dev.infercost.compress;

/**
 * Options of static int8 for CPUs ({@link Compressor#quantizeStaticCpu}). Build them by name:
 * {@code StaticOptions.builder().optMethod(CalibrationMethod.ENTROPY).optReducedRange(false)
 * .build()}.
 *
 * @param filter which nodes may be quantized; {@code NodeFilter.all().excluding(names)} keeps the
 *     named layers in float, {@code new NodeFilter(List.of(name), List.of())} quantizes one
 * @param method how activation clip ranges are chosen
 * @param percentile p of {@link CalibrationMethod#PERCENTILE}, in (0, 100]
 * @param perChannel one weight scale per output channel (default) or one per tensor
 * @param reducedRange 7-bit weights ([-63, 63]) for x86 CPUs without VNNI, whose uint8 × int8
 *     kernels sum pairs of products in 16 bits and saturate on full-range weights; choose it for
 *     the CPU that will run the model (default on: correct on every x86 CPU), not the one
 *     compressing it
 * @param biasCorrection correct each Conv's bias for the mean error its int8 weights make on the
 *     calibration data ({@code Σ (w_q − w) · E[x]} per output channel, E[x] the calibrated mean of
 *     each input channel; default on): int8 rounding of a kernel whose weights nearly cancel, as in
 *     a depthwise conv after BatchNorm folding, shifts its output on every flat patch of input
 * @param embeddings store Gather tables (embeddings) as 8-bit, only the gathered rows dequantized,
 *     as int8-dynamic does (default on): a text model's vocabulary table is often half its bytes
 */
public record StaticOptions(
    NodeFilter filter,
    CalibrationMethod method,
    double percentile,
    boolean perChannel,
    boolean reducedRange,
    boolean biasCorrection,
    boolean embeddings) {
  /** The default percentile: 99.999. */
  public static final double DEFAULT_PERCENTILE = 99.999;

  public StaticOptions {
    if (filter == null || method == null) {
      throw new IllegalArgumentException("filter and method are required");
    }
    if (!(percentile > 0 && percentile <= 100)) {
      throw new IllegalArgumentException("percentile must be in (0, 100], got " + percentile);
    }
  }

  /** The defaults: see {@link Builder}. */
  public static StaticOptions defaults() {
    return builder().build();
  }

  /** A builder with every option at its default. */
  public static Builder builder() {
    return new Builder();
  }

  /** The same options with {@code filter}. */
  public StaticOptions withFilter(NodeFilter f) {
    return new StaticOptions(
        f, method, percentile, perChannel, reducedRange, biasCorrection, embeddings);
  }

  /** The same options with {@code m}. */
  public StaticOptions withMethod(CalibrationMethod m) {
    return new StaticOptions(
        filter, m, percentile, perChannel, reducedRange, biasCorrection, embeddings);
  }

  /** Optional settings as {@code opt*}. */
  public static final class Builder {
    private NodeFilter filter = NodeFilter.all();
    private CalibrationMethod method = CalibrationMethod.PERCENTILE;
    private double percentile = DEFAULT_PERCENTILE;
    private boolean perChannel = true;
    private boolean reducedRange = true;
    private boolean biasCorrection = true;
    private boolean embeddings = true;

    private Builder() {}

    /** Which nodes may be quantized (default all). */
    public Builder optFilter(NodeFilter f) {
      this.filter = f;
      return this;
    }

    /** How clip ranges are chosen (default {@link CalibrationMethod#PERCENTILE}). */
    public Builder optMethod(CalibrationMethod m) {
      this.method = m;
      return this;
    }

    /** p of the percentile method (default {@value StaticOptions#DEFAULT_PERCENTILE}). */
    public Builder optPercentile(double p) {
      this.percentile = p;
      return this;
    }

    /** Per-output-channel weight scales (default on). */
    public Builder optPerChannel(boolean b) {
      this.perChannel = b;
      return this;
    }

    /** 7-bit weights for x86 CPUs without VNNI (default on). */
    public Builder optReducedRange(boolean b) {
      this.reducedRange = b;
      return this;
    }

    /** Conv bias correction for the mean int8 weight error (default on). */
    public Builder optBiasCorrection(boolean b) {
      this.biasCorrection = b;
      return this;
    }

    /** 8-bit Gather tables (default on). */
    public Builder optEmbeddings(boolean b) {
      this.embeddings = b;
      return this;
    }

    public StaticOptions build() {
      return new StaticOptions(
          filter, method, percentile, perChannel, reducedRange, biasCorrection, embeddings);
    }
  }
}
