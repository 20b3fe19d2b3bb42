package dev.infercost.cli;

import dev.infercost.workflows.Bound;
import picocli.CommandLine.Option;

/** {@code --max-accuracy-drop X | --min-cosine X}, used as an exclusive argument group. */
final class BoundOptions {
  @Option(
      names = "--max-accuracy-drop",
      paramLabel = "X",
      description = "Largest allowed top-1 accuracy drop (needs labelled data).")
  Double maxAccuracyDrop;

  @Option(
      names = "--min-cosine",
      paramLabel = "X",
      description = "Smallest allowed mean cosine similarity to the input model's outputs.")
  Double minCosine;

  Bound toBound() {
    return minCosine != null ? Bound.minCosine(minCosine) : Bound.maxAccuracyDrop(maxAccuracyDrop);
  }
}
