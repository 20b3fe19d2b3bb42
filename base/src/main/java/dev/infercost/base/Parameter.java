package dev.infercost.base;

/**
 * The parts of a request a user can change, named in library words. An {@link InfercostException}
 * may carry one as its hint: the parameter to change to get past the failure. A front end maps it
 * to its own spelling (the command line to the flag of the command that ran, a service to a field
 * of its request); the message itself never names a front end's spelling.
 */
public enum Parameter {
  /** The model: a file or a built-in name. */
  MODEL,
  /** Where outputs go: a folder. */
  OUTPUT_DIR,
  /** Where an output goes: a file. */
  OUTPUT_FILE,
  /** Held-out data to evaluate accuracy or fidelity on. */
  EVAL_DATA,
  /** Data to calibrate static quantization on. */
  CALIBRATION_DATA,
  /** The tokenizer ({@code tokenizer.json}) that turns text data into model inputs. */
  TOKENIZER,
  /** Concrete input shapes. */
  SHAPES,
  /** Input tensors to run the model on (instead of synthetic ones). */
  INPUTS,
  /** The batch sizes to run. */
  BATCHES,
  /** Intra-op threads. */
  THREADS,
  /** The inference engine (ONNX Runtime or DJL's PyTorch engine). */
  ENGINE,
  /** The device to run on (CPU or CUDA). */
  DEVICE,
  /** The compression method or the variants to build. */
  METHOD,
  /** Nodes left out of a rewrite. */
  EXCLUDE,
  /** The GPU to build and price variants for. */
  TARGET_GPU,
  /** The hardware a compressed model is built for (a catalog id, or the host). */
  TARGET,
  /** The share of prunable MACs structured pruning removes. */
  PRUNE,
  /** The share of weights sparsity zeroes, and their pattern. */
  SPARSITY,
  /** Bounds of an automatic search: its trial count and time budget. */
  SEARCH_BUDGET,
  /** The accuracy bound (largest accuracy drop, smallest mean cosine or largest metric drop). */
  ACCURACY_BOUND,
  /** The task metric to score models with, by name. */
  METRIC,
  /** The jars task metrics are loaded from. */
  METRIC_CLASSPATH,
  /** The labels file a task metric reads itself. */
  METRIC_LABELS,
  /** The latency objective (p99 per call). */
  LATENCY_OBJECTIVE,
  /** The hardware catalog. */
  CATALOG,
  /** The catalog entries to consider. */
  HARDWARE,
  /** The catalog entry the measuring host is. */
  MEASURED_ON,
  /** Measurement files taken on other machines. */
  MEASUREMENTS,
  /** The benchmark suite. */
  SUITE,
  /** The baseline results to compare with. */
  BASELINE,
  /** The demand: a profile of inferences/s per period, or one constant rate. */
  DEMAND,
  /** The fleet plan's spec: owned hardware and cloud buying options. */
  PLAN_SPEC,
  /** Where a fleet plan's per-replica throughput comes from: a results file or a number. */
  THROUGHPUT
}
