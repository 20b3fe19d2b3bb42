package dev.infercost.compress;

import dev.infercost.models.SparsityReport;

/**
 * A sparsified ONNX model: the compressed model with its provenance and pass summaries, and what
 * the sparsification reached (per layer sparsity, deflated sizes, the latency statement and, for
 * 2:4 only, the labelled speed-up estimate).
 */
public record SparsityResult(CompressResult compressed, SparsityReport report) {
  public SparsityResult {
    if (compressed == null || report == null) {
      throw new NullPointerException("compressed and report are required");
    }
  }
}
