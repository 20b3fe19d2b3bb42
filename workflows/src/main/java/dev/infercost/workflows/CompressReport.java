package dev.infercost.workflows;

import dev.infercost.profile.EvalReport;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import java.util.List;
import java.util.Map;

/**
 * Everything {@code compress} measured, as written to {@code report.json}.
 *
 * @param schema layout version ({@link Reports#SCHEMA})
 * @param kind always {@code compress}
 * @param input the model compressed
 * @param output the compressed model written
 * @param method compression method
 * @param options the options recorded in the output model's metadata, typed for machines: camelCase
 *     keys, booleans and numbers as such, comma lists as arrays ({@link #typed})
 * @param int8Isa the instruction set the int8 figures came from ({@code avx2}, {@code avx512-vnni})
 * @param passes what each pass rewrote and skipped, node by node
 * @param byOpType the same by operator type: nodes, rewritten, left as is, reasons counted
 * @param compressSeconds wall time of the graph rewrite (calibration included), measured
 * @param sizeRatio output bytes ÷ input bytes
 * @param latency before/after latency at batch 1, or {@code null} when not measured
 * @param fidelity candidate vs reference on held-out data, or {@code null} without data
 * @param calibration where calibration data came from ({@code none} without)
 * @param bound the bound checked, or {@code null}
 * @param host where everything was measured
 * @param target the hardware the model was built for, with its int8 instructions
 * @param unchanged true when the compression rewrote no node (the output computes what the input
 *     does)
 * @param headline the verdict: one or two sentences answering "is it worth it?" (speed, size and
 *     fidelity against the input, and whether a bound was checked)
 * @param nextStep what to do next, or {@code null} when nothing is left to do
 * @param search the automatic search's trials, sensitivity and verdict, or {@code null}
 */
public record CompressReport(
    int schema,
    String kind,
    FileFacts input,
    FileFacts output,
    String method,
    Map<String, Object> options,
    String int8Isa,
    List<PassSummary> passes,
    List<OpTable.Row> byOpType,
    double compressSeconds,
    double sizeRatio,
    Latency latency,
    EvalReport fidelity,
    String calibration,
    BoundResult bound,
    HostInfo host,
    String target,
    boolean unchanged,
    String headline,
    String nextStep,
    Search.Result search) {

  /** What to do about it when no calibration data was used: one line for the table and report. */
  public static final String CALIBRATION_HINT =
      "calibration data would help: pass --calib-data DATA (inputs like the model's: .txt"
          + " sentences, .npz/.npy arrays or an image folder) or --data";

  /** {@link #CALIBRATION_HINT} when the variant was built without calibration data. */
  public java.util.Optional<String> calibrationHint() {
    return DataPlan.none().calibrationSource().equals(calibration)
        ? java.util.Optional.of(CALIBRATION_HINT)
        : java.util.Optional.empty();
  }

  /**
   * {@code options} (snake_case strings, as stored in the model's metadata) for JSON: keys in
   * camelCase (a stage prefix such as {@code prune.} kept), {@code true}/{@code false} as booleans,
   * numbers as numbers, {@code include}/{@code exclude}/{@code block_list} as arrays.
   */
  static Map<String, Object> typed(Map<String, String> options) {
    Map<String, Object> out = new java.util.LinkedHashMap<>();
    options.forEach((k, v) -> out.put(camel(k), value(k, v)));
    return java.util.Collections.unmodifiableMap(out);
  }

  private static String camel(String key) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char c : key.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return b.toString();
  }

  private static Object value(String key, String v) {
    String leaf = key.substring(key.lastIndexOf('.') + 1);
    if (leaf.equals("include") || leaf.equals("exclude") || leaf.equals("block_list")) {
      return v.isEmpty() ? List.of() : List.of(v.split(","));
    }
    if (v.equals("true") || v.equals("false")) {
      return Boolean.valueOf(v);
    }
    if (v.matches("-?\\d+")) {
      return Long.valueOf(v);
    }
    if (v.matches("-?\\d+(\\.\\d+)?([eE]-?\\d+)?")) {
      return Double.valueOf(v);
    }
    return v;
  }

  /** A file: path, size and sha256. */
  public record FileFacts(String path, long bytes, String sha256) {}

  /**
   * One pass's outcome.
   *
   * @param pass the pass name
   * @param rewritten how many nodes it rewrote
   * @param rewrittenNodes their names
   * @param skipped nodes it left alone, each with the reason
   * @param notes what it changed beyond nodes (initializers dropped from the graph inputs, ...)
   */
  public record PassSummary(
      String pass,
      int rewritten,
      List<String> rewrittenNodes,
      List<String> skipped,
      List<String> notes) {
    static PassSummary of(dev.infercost.compress.PassSummary r) {
      return new PassSummary(r.pass(), r.rewritten().size(), r.rewritten(), r.skipped(), r.notes());
    }
  }

  /**
   * Latency of both models, measured on this host with the same inputs and threads.
   *
   * @param method how the numbers were obtained
   * @param unit the unit of {@code before} and {@code after}'s times: {@code ms}
   * @param threads intra-op threads
   * @param inputShapes input shapes used
   * @param before the input model, milliseconds
   * @param after the compressed model, milliseconds
   * @param p50Ratio after.p50 ÷ before.p50
   */
  public record Latency(
      String method,
      String unit,
      int threads,
      Map<String, List<Long>> inputShapes,
      LatencyStats before,
      LatencyStats after,
      double p50Ratio) {}

  /**
   * Outcome of the bound check.
   *
   * @param stability the input model's own loss on the bound's measure when its float inputs move
   *     by noise nobody would see; null when the variant met the bound, when there was no
   *     evaluation data or no float input that could move, or when the measure has no value
   */
  public record BoundResult(
      String kind, double value, boolean met, String reason, Stability stability) {}
}
