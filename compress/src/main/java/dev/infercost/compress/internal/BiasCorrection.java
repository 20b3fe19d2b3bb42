package dev.infercost.compress.internal;

/**
 * Bias correction for int8 Conv weights (Nagel et al., "Data-Free Quantization Through Weight
 * Equalization and Bias Correction", 2019, with the input means measured on calibration data): the
 * rounding error {@code Δw = w_q·s − w} of a kernel shifts its output by {@code Σ Δw · x}, whose
 * expectation {@code Σ Δw · E[x]} per output channel is subtracted from the bias. Where a kernel's
 * weights nearly cancel (an edge detector after BatchNorm folding scaled it up), that shift is most
 * of the error int8 makes.
 */
final class BiasCorrection {
  private BiasCorrection() {}

  /**
   * What to add to the bias of a Conv with float weights {@code w} of shape {@code dims} ({@code
   * [out, in / group, k...]}) quantized as {@code q} (scales per output channel, or one), given the
   * mean {@code mean[i]} of each input channel: {@code −Σ Δw · E[x]} per output channel; null when
   * {@code mean} does not have one value per input channel. Zero padding at the borders is ignored:
   * the correction is the one for an interior output.
   */
  static float[] conv(
      float[] w, WeightQuantizer.Symmetric q, long[] dims, long group, float[] mean) {
    int out = (int) dims[0];
    int inPerGroup = (int) dims[1];
    if (group < 1 || out % group != 0 || mean.length != inPerGroup * group) {
      return null;
    }
    int kernel = 1;
    for (int d = 2; d < dims.length; d++) {
      kernel *= (int) dims[d];
    }
    int outPerGroup = (int) (out / group);
    float[] scales = q.scales();
    byte[] v = q.values();
    float[] add = new float[out];
    for (int o = 0; o < out; o++) {
      float s = scales[scales.length == 1 ? 0 : o];
      int firstIn = (o / outPerGroup) * inPerGroup;
      double shift = 0;
      for (int i = 0; i < inPerGroup; i++) {
        double err = 0;
        int at = (o * inPerGroup + i) * kernel;
        for (int k = 0; k < kernel; k++) {
          err += (double) v[at + k] * s - w[at + k];
        }
        shift += err * mean[firstIn + i];
      }
      add[o] = (float) -shift;
    }
    return add;
  }
}
