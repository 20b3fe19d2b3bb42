package dev.infercost.profile;

import dev.infercost.base.HostFingerprint;
import java.util.List;

/**
 * Result of profiling one model: what ran where, and one {@link BatchResult} per batch size. As
 * written by {@code profile --json} it is a measurement file {@code choose --measurements} reads:
 * {@code "schema": 1, "kind": "profile"}, the model's sha256 and the host's fingerprint.
 *
 * @param schema {@link #SCHEMA}
 * @param kind {@link #KIND}
 * @param model the model file
 * @param modelSha256 sha256 of the model file's bytes (of the TorchScript file for DJL)
 * @param engine {@code ort} or {@code djl}
 * @param device {@code cpu} or {@code cuda}
 * @param threads intra-op threads
 * @param inputSource {@code synthetic} or the data file
 * @param host the machine and versions that measured
 * @param fingerprint the machine in full (CPU family and model, cores, ISA, GPU, runtimes)
 * @param notes assumptions made (defaulted dims), in order
 */
public record ProfileReport(
    int schema,
    String kind,
    String model,
    String modelSha256,
    String engine,
    String device,
    int threads,
    String inputSource,
    HostInfo host,
    HostFingerprint fingerprint,
    List<BatchResult> results,
    List<String> notes) {
  /** Version of this layout. */
  public static final int SCHEMA = 1;

  /** The {@code kind} of a profile report. */
  public static final String KIND = "profile";

  public ProfileReport {
    results = List.copyOf(results);
    notes = List.copyOf(notes);
  }
}
