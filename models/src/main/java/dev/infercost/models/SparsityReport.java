package dev.infercost.models;

import java.util.List;
import java.util.Optional;

/**
 * What a sparsification did, stated honestly: the sparsity reached per layer, the size of the model
 * file before and after deflate (zip) compression, which is where zeros save something, and that
 * dense kernels are no faster. A speed-up is only given for 2:4 on sparse tensor cores, as a
 * labelled {@link Estimate}.
 *
 * @param model the model's display name or file
 * @param options what was asked
 * @param layers per sparsified layer, in graph (or parameter) order
 * @param skipped layers left dense, each with the reason ({@code "conv1: reduction 1 is not a
 *     multiple of 4"})
 * @param calibrationBatches batches the activation norms came from (0 by magnitude)
 * @param bytes the size of the serialized model, the same before and after: zeros are stored
 *     densely
 * @param deflatedBefore the serialized input model deflated (what zip or gzip of the file gives)
 * @param deflatedAfter the serialized output model deflated
 */
public record SparsityReport(
    String model,
    SparsityOptions options,
    List<Layer> layers,
    List<String> skipped,
    int calibrationBatches,
    long bytes,
    long deflatedBefore,
    long deflatedAfter) {

  /**
   * What every report says about latency: ONNX Runtime's and PyTorch's dense MatMul/Gemm/Conv
   * kernels multiply zeros like any other value.
   */
  public static final String LATENCY =
      "measured kernels are dense: zeroed weights are multiplied like any other, so latency and"
          + " memory do not change; the saving is the deflated (zip) size";

  /**
   * One layer.
   *
   * @param name the node (ONNX) or parameter (TorchScript) name
   * @param elements weights in the layer
   * @param zerosBefore weights that were already zero
   * @param zeros weights that are zero after
   * @param target the fraction asked for (for a global scope: the overall target)
   */
  public record Layer(String name, long elements, long zerosBefore, long zeros, double target) {
    public Layer {
      if (elements <= 0 || zeros < 0 || zeros > elements || zerosBefore < 0) {
        throw new IllegalArgumentException(
            name + ": " + zeros + " zeros of " + elements + " weights");
      }
    }

    /** The fraction of the layer's weights that are zero. */
    public double sparsity() {
      return (double) zeros / elements;
    }
  }

  /**
   * A figure that was not measured here.
   *
   * @param value the figure
   * @param what what it is an estimate of
   * @param source where it comes from
   */
  public record Estimate(double value, String what, String source) {
    /** Always {@code estimated}: reports print it next to the figure. */
    public String label() {
      return "estimated";
    }
  }

  /**
   * The 2:4 math-throughput factor of NVIDIA's sparse tensor cores over dense ones (A100 and
   * later): an upper bound for the sparsified GEMMs alone, not for the model, whose other ops do
   * not speed up; nothing here measured it.
   */
  public static final Estimate SPARSE_TENSOR_CORE_SPEEDUP =
      new Estimate(
          2.0,
          "peak math throughput of 2:4 sparse over dense tensor-core GEMMs on NVIDIA Ampere and"
              + " later GPUs (sparse tensor cores); upper bound for the sparsified layers only, end"
              + " to end is lower, and only with a sparse kernel (TensorRT, cuSPARSELt)",
          "NVIDIA A100 Tensor Core GPU Architecture whitepaper (2020), 'Fine-Grained Structured"
              + " Sparsity'; Mishra et al., 'Accelerating Sparse Deep Neural Networks',"
              + " arXiv:2104.08378 (2021)");

  public SparsityReport {
    layers = List.copyOf(layers);
    skipped = List.copyOf(skipped);
  }

  /** Zero weights over all sparsified layers divided by their weights (0 when there is none). */
  public double sparsity() {
    long n = layers.stream().mapToLong(Layer::elements).sum();
    long z = layers.stream().mapToLong(Layer::zeros).sum();
    return n == 0 ? 0 : (double) z / n;
  }

  /** {@code deflatedBefore / deflatedAfter}: the real saving, for storage and download. */
  public double deflateRatio() {
    return deflatedAfter == 0 ? 0 : (double) deflatedBefore / deflatedAfter;
  }

  /**
   * The speed-up a sparse-tensor-core GPU could give the sparsified layers, for 2:4 only and only
   * as an {@link Estimate}; empty for unstructured sparsity, which no shipped kernel exploits.
   */
  public Optional<Estimate> sparseTensorCoreSpeedup() {
    return options.pattern() == SparsityOptions.Pattern.TWO_FOUR && !layers.isEmpty()
        ? Optional.of(SPARSE_TENSOR_CORE_SPEEDUP)
        : Optional.empty();
  }
}
