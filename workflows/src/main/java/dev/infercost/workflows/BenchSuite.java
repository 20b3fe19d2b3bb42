package dev.infercost.workflows;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.infercost.base.InfercostException;
import dev.infercost.profile.ProfileOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A benchmark suite as read from YAML (see {@code benchmarks/suites/example.yaml}).
 *
 * @param schema always 1
 * @param threads intra-op threads for every entry
 * @param samples minimum latency samples per entry
 * @param minSeconds minimum measuring time per entry
 * @param hardware catalog ids or aliases to price every entry on; {@code host} is the entry this
 *     machine matches
 * @param entries what to measure
 */
public record BenchSuite(
    int schema,
    Integer threads,
    Integer samples,
    Double minSeconds,
    List<String> hardware,
    List<Entry> entries) {

  /**
   * One model variant.
   *
   * @param name unique name, used to match baseline entries ({@code digits-cnn/int8})
   * @param model path (relative to the suite file) or built-in name
   * @param variant {@code fp32} (as is) or {@code int8-dynamic} (compressed first)
   * @param prune structured pruning of this fraction of the prunable MACs first (optional)
   * @param shapes input shapes for MACs and latency, e.g. {@code input: [1, 1, 8, 8]}
   * @param data evaluation data (path relative to the suite file, or {@code builtin})
   * @param compress compress options for int8: {@code smooth} (auto|off|α), {@code reduceRange}
   *     (auto|on|off), {@code perTensor}, {@code exclude}
   * @param repetitions minimum latency samples for this entry (overrides the suite's)
   * @param baseline a baseline model (path relative to the suite file, or built-in name) to time in
   *     alternating rounds with this entry in the same run, on the same inputs: the gate then
   *     judges this entry's timings by the paired per-round ratios, which a drifting shared machine
   *     does not move (optional)
   */
  public record Entry(
      String name,
      String model,
      String variant,
      Map<String, List<Long>> shapes,
      String data,
      Map<String, Object> compress,
      Integer repetitions,
      Double prune,
      String baseline) {
    /** The variant as a {@link Method} ({@code fp32} when not given). */
    public Method method() {
      return variant == null ? Method.FP32 : Method.parse(variant);
    }
  }

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** The most latency samples an entry may ask for: more only makes a run that never ends. */
  static final int MAX_SAMPLES = 100_000;

  /** The folder name of an entry's model: its name with anything unsafe in a path as '_'. */
  static String fileName(String entry) {
    return entry.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** Reads and validates a suite file; every problem is one line naming the file. */
  public static BenchSuite load(Path file) throws InfercostException {
    BenchSuite s =
        YamlFiles.read(
            YAML, file, BenchSuite.class, "suite", "benchmarks/suites/example.yaml", null);
    if (s == null || s.schema() != 1) {
      throw new InfercostException(file + ": 'schema: 1' is required");
    }
    if (s.entries() == null || s.entries().isEmpty()) {
      throw new InfercostException(file + ": no entries");
    }
    Set<String> names = new HashSet<>();
    Map<String, String> files = new HashMap<>();
    for (Entry e : s.entries()) {
      if (e.name() == null || e.model() == null) {
        throw new InfercostException(file + ": every entry needs 'name' and 'model'");
      }
      if (!names.add(e.name())) {
        throw new InfercostException(file + ": entry name '" + e.name() + "' appears twice");
      }
      String other = files.putIfAbsent(fileName(e.name()), e.name());
      if (other != null) {
        throw new InfercostException(
            file
                + ": entries '"
                + other
                + "' and '"
                + e.name()
                + "' would share the model folder '"
                + fileName(e.name())
                + "'; rename one");
      }
      if (e.repetitions() != null && (e.repetitions() < 1 || e.repetitions() > MAX_SAMPLES)) {
        throw new InfercostException(
            file
                + ": entry '"
                + e.name()
                + "': repetitions must be in [1, "
                + MAX_SAMPLES
                + "], got "
                + e.repetitions());
      }
      Method m;
      try {
        m = e.method();
      } catch (IllegalArgumentException x) {
        m = null;
      }
      if (e.prune() != null && !(e.prune() > 0 && e.prune() <= 0.95)) {
        throw new InfercostException(
            file + ": entry '" + e.name() + "': prune must be in (0, 0.95], got " + e.prune());
      }
      if (m != Method.FP32 && m != Method.INT8_DYNAMIC) {
        throw new InfercostException(
            file
                + ": entry '"
                + e.name()
                + "': variant '"
                + e.variant()
                + "' is not "
                + Method.FP32
                + " or "
                + Method.INT8_DYNAMIC);
      }
    }
    if (s.threads() != null && (s.threads() < 1 || s.threads() > ProfileOptions.maxThreads())
        || s.samples() != null && (s.samples() < 1 || s.samples() > MAX_SAMPLES)) {
      throw new InfercostException(
          file
              + ": threads must be in [1, "
              + ProfileOptions.maxThreads()
              + "] and samples in [1, "
              + MAX_SAMPLES
              + "]");
    }
    return s;
  }
}
