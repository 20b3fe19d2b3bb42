package dev.infercost.workflows;

import dev.infercost.cost.Figure;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.HostInfo;
import java.util.List;

/**
 * What {@code compress --target-gpu} found: each GPU variant's cost per 1M inferences on the
 * target, next to the best CPU option.
 *
 * @param schema 1
 * @param kind always {@code target-gpu}
 * @param model the input model
 * @param gpu the catalog entry targeted
 * @param variants one per variant built for the GPU
 * @param bestCpu the cheapest CPU catalog option for the int8-dynamic variant measured on this host
 * @param notes what could not be done here and why
 * @param host where anything was measured
 */
public record TargetGpuReport(
    int schema,
    String kind,
    String model,
    String gpu,
    List<Variant> variants,
    Option bestCpu,
    List<String> notes,
    HostInfo host) {

  /**
   * One variant on the GPU.
   *
   * @param name {@code fp32}, {@code fp16} or {@code int8-qdq}
   * @param file the model file
   * @param bytes its size
   * @param fidelity against the input model, or null when it could not be run here
   * @param option its throughput and cost on the GPU
   */
  public record Variant(String name, String file, long bytes, EvalReport fidelity, Option option) {}

  /**
   * A priced operating point.
   *
   * @param hardware catalog id
   * @param variant model variant
   * @param throughput inferences/s at the batch of the input shapes
   * @param costPerMillionUsd USD per 1M inferences
   * @param provenance measured where, or estimated how
   */
  public record Option(
      String hardware,
      String variant,
      double throughput,
      double costPerMillionUsd,
      Figure.Provenance provenance) {}
}
