package dev.infercost.profile;

import java.util.List;

/**
 * Result of profiling one model: what ran where, and one {@link BatchResult} per batch size.
 * Latencies are in milliseconds, throughput in inferences per second, memory in bytes.
 *
 * @param schema layout version of this document ({@link #SCHEMA}), bumped on incompatible changes
 * @param model the model file
 * @param engine {@code ort} or {@code djl}
 * @param device {@code cpu} or {@code cuda}
 * @param threads intra-op threads
 * @param inputSource {@code synthetic} or the data file
 * @param host the machine and versions that measured
 * @param notes assumptions made (defaulted dims), in order
 */
public record ProfileReport(
    int schema,
    String model,
    String engine,
    String device,
    int threads,
    String inputSource,
    HostInfo host,
    List<BatchResult> results,
    List<String> notes) {
  /** The layout version written by this build. */
  public static final int SCHEMA = 1;

  public ProfileReport {
    results = List.copyOf(results);
    notes = List.copyOf(notes);
  }
}
