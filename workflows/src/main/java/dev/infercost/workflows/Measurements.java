package dev.infercost.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.base.HostFingerprint;
import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import dev.infercost.base.StrictJson;
import dev.infercost.cost.Catalog;
import dev.infercost.cost.Figure;
import dev.infercost.cost.HardwareEntry;
import dev.infercost.cost.HostCpu;
import dev.infercost.cost.Optimizer;
import dev.infercost.cost.Pricer;
import dev.infercost.cost.Spread;
import dev.infercost.gate.BenchResults;
import dev.infercost.gate.Gate;
import dev.infercost.gate.Measure;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Measurement files taken on other machines, as {@code choose --measurements} reads them: {@code
 * profile --json} reports and {@code bench} results, each matched to a catalog entry by its host
 * fingerprint ({@link Pricer#matchHost}) and tied to a model file by its sha256. Their figures
 * replace the projections of the same (variant, hardware, batch) and are priced as {@code measured
 * on} that host.
 */
final class Measurements {
  /**
   * One measured operating point.
   *
   * @param file the file it was read from
   * @param host the machine that measured it
   * @param entry the catalog entry that machine matched
   * @param sha256 sha256 of the model file it measured
   * @param batch batch size
   * @param threads threads kept busy
   * @param throughput inferences/s
   * @param p99Ms p99 latency of one call in ms
   * @param spread how uncertain the throughput is: from the file's median latency and its 95%
   *     confidence interval where it has them ({@link Spread#latencyCi})
   */
  record Point(
      Path file,
      HostFingerprint host,
      HardwareEntry entry,
      String sha256,
      int batch,
      int threads,
      double throughput,
      double p99Ms,
      Spread spread) {
    /**
     * {@code measured on <host> = <entry> (<file>); range …}; for a GPU entry, {@code <GPU> (same
     * GPU as <entry>)}, since every entry with that GPU is priced from it.
     */
    Figure.Provenance provenance() {
      boolean gpu = entry.kind() != HardwareEntry.Kind.CPU && host.gpu() != null;
      return Figure.Provenance.measured(
          (gpu
                  ? host.gpu().name() + " on " + host.label() + " (same GPU as " + entry.id() + ")"
                  : host.label() + " = " + entry.id())
              + " ("
              + file.getFileName()
              + "); "
              + spread.describe());
    }
  }

  private final List<Point> points;

  private Measurements(List<Point> points) {
    this.points = List.copyOf(points);
  }

  /** No measurements. */
  static Measurements none() {
    return new Measurements(List.of());
  }

  List<Point> points() {
    return points;
  }

  /**
   * Every file under {@code dirs} (recursively, in name order), matched to an entry of {@code
   * catalog}.
   *
   * @throws InfercostException one line for the first file that is not a measurement file, whose
   *     host matches no catalog entry, or that repeats a (model, hardware, batch, threads) another
   *     file already measured
   */
  static Measurements read(List<Path> dirs, Catalog catalog) throws InfercostException {
    List<Point> out = new ArrayList<>();
    Map<String, Point> seen = new HashMap<>();
    for (Path dir : dirs) {
      for (Path f : files(dir)) {
        for (Point p : readFile(f, catalog)) {
          String key = p.sha256() + " " + p.entry().id() + " " + p.batch() + " " + p.threads();
          Point before = seen.putIfAbsent(key, p);
          if (before != null) {
            throw refused(
                f,
                "measures model "
                    + shortSha(p.sha256())
                    + " on "
                    + p.entry().id()
                    + " at batch "
                    + p.batch()
                    + " with "
                    + p.threads()
                    + " thread(s), as "
                    + before.file()
                    + " already does; keep one of the two");
          }
          out.add(p);
        }
      }
    }
    return new Measurements(out);
  }

  /**
   * The variant each point measured, by its sha256 among {@code variantSha256} (label → sha256).
   *
   * @throws InfercostException for the first point whose sha256 is none of them (a tampered or
   *     other model)
   */
  Map<Point, String> variants(Map<String, String> variantSha256) throws InfercostException {
    Map<String, String> bySha = new HashMap<>();
    variantSha256.forEach((label, sha) -> bySha.put(sha, label));
    Map<Point, String> out = new LinkedHashMap<>();
    for (Point p : points) {
      String label = bySha.get(p.sha256());
      if (label == null) {
        List<String> built = new ArrayList<>();
        variantSha256.forEach((l, sha) -> built.add(l + " " + shortSha(sha)));
        throw refused(
            p.file(),
            "measured model sha256 "
                + shortSha(p.sha256())
                + ", which is none of the variants built here ("
                + String.join(", ", built)
                + "); measure the variant files choose writes to --out, unchanged");
      }
      out.put(p, label);
    }
    return out;
  }

  /**
   * {@code rows} with every projected row that a point measured replaced by the measured one, and a
   * measured row added where the point's entry could not be projected; where several thread counts
   * measured the same (variant, hardware, batch), the fastest is used. Points whose entry or batch
   * is not priced, or whose row this host measured itself, are left out with a note.
   *
   * @param variantSha256 label → sha256 of every variant built
   * @param accuracyDrop label → accuracy drop
   * @param hardware the catalog ids priced
   * @param batches the batch sizes priced
   */
  List<Optimizer.Row> apply(
      List<Optimizer.Row> rows,
      Map<String, String> variantSha256,
      Map<String, Double> accuracyDrop,
      List<String> hardware,
      List<Integer> batches,
      Set<String> notes)
      throws InfercostException {
    Map<String, Point> best = new LinkedHashMap<>();
    Map<String, String> labelOf = new HashMap<>();
    for (Map.Entry<Point, String> e : variants(variantSha256).entrySet()) {
      Point p = e.getKey();
      String k = key(e.getValue(), p.entry().id(), p.batch());
      best.merge(k, p, (a, b) -> b.throughput() > a.throughput() ? b : a);
      labelOf.put(k, e.getValue());
    }
    List<Optimizer.Row> out = new ArrayList<>();
    for (Optimizer.Row r : rows) {
      Point p = best.remove(key(r.variant(), r.hardwareId(), r.batch()));
      if (p == null) {
        out.add(r);
      } else if (r.provenance().kind() == Figure.Provenance.Kind.MEASURED) {
        out.add(r);
        notes.add(p.file() + ": " + r.hardwareId() + " was measured on this host; kept that");
      } else {
        out.add(row(labelOf.get(key(r.variant(), r.hardwareId(), r.batch())), p, accuracyDrop));
      }
    }
    for (Map.Entry<String, Point> e : best.entrySet()) {
      Point p = e.getValue();
      String label = labelOf.get(e.getKey());
      if (hardware.contains(p.entry().id()) && batches.contains(p.batch())) {
        out.add(row(label, p, accuracyDrop));
      } else {
        notes.add(
            p.file()
                + ": "
                + label
                + " on "
                + p.entry().id()
                + " at batch "
                + p.batch()
                + " not used: that hardware and batch were not priced (--hardware, --batch)");
      }
    }
    return out;
  }

  private static Optimizer.Row row(String label, Point p, Map<String, Double> accuracyDrop) {
    return new Optimizer.Row(
        label,
        accuracyDrop.get(label),
        p.entry().id(),
        p.batch(),
        p.p99Ms(),
        p.throughput(),
        p.spread().of(p.throughput()),
        p.provenance());
  }

  private static String key(String variant, String hardware, int batch) {
    return variant + " " + hardware.toLowerCase(Locale.ROOT) + " " + batch;
  }

  private static List<Path> files(Path dir) throws InfercostException {
    if (!Files.isDirectory(dir)) {
      throw new InfercostException(
          dir + ": not a folder; pass the folder the measurement files were collected in",
          Parameter.MEASUREMENTS);
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new InfercostException(
          dir + ": cannot list (" + e.getMessage() + ")", Parameter.MEASUREMENTS, e);
    }
  }

  /** The points of one file: a profile report or bench results, else refused. */
  private static List<Point> readFile(Path f, Catalog catalog) throws InfercostException {
    JsonNode root;
    try {
      root = StrictJson.reader().readTree(Files.readAllBytes(f));
    } catch (JsonProcessingException e) {
      throw new InfercostException(
          StrictJson.notValid(f.toString(), e) + "; not a measurement file",
          Parameter.MEASUREMENTS,
          e);
    } catch (IOException e) {
      throw refused(f, "cannot read (" + e.getMessage() + ")");
    }
    String kind = root != null && root.isObject() ? root.path("kind").asText("") : "";
    if (kind.equals(ProfileReport.KIND)) {
      return profile(f, root, catalog);
    }
    if (kind.equals(BenchResults.Format.BENCH.name().toLowerCase(Locale.ROOT))) {
      return bench(f, catalog);
    }
    throw refused(
        f,
        "is not a measurement file; expected the output of profile --json (\"kind\": \"profile\")"
            + " or bench results (\"kind\": \"bench\")");
  }

  private static List<Point> profile(Path f, JsonNode root, Catalog catalog)
      throws InfercostException {
    if (root.path("schema").asInt(-1) != ProfileReport.SCHEMA) {
      throw refused(f, "profile schema " + root.path("schema") + " is not " + ProfileReport.SCHEMA);
    }
    HostFingerprint host = fingerprint(f, root.get("fingerprint"));
    String device = root.path("device").asText("");
    List<HardwareEntry> entries;
    if (device.equals("cpu")) {
      entries = List.of(match(f, host, catalog));
    } else if (device.equals("cuda")) {
      entries = matchGpus(f, host, catalog);
    } else {
      throw refused(
          f,
          "was measured on device '"
              + device
              + "'; only CPU and CUDA measurements are matched to catalog entries");
    }
    String sha = sha(f, root.path("modelSha256").asText(null));
    int threads = root.path("threads").asInt(0);
    List<Point> out = new ArrayList<>();
    for (JsonNode b : root.path("results")) {
      double throughput = b.path("throughput").asDouble(Double.NaN);
      double p99 = b.path("latency").path("p99").asDouble(Double.NaN);
      int batch = b.path("batch").asInt(0);
      if (batch < 1 || threads < 1 || !(throughput > 0) || !(p99 >= 0)) {
        throw refused(f, "a result lacks its batch, threads, throughput or latency.p99");
      }
      JsonNode lat = b.path("latency");
      double p50 = lat.path("p50").asDouble(Double.NaN);
      double ciLow = lat.path("ciLow").asDouble(Double.NaN);
      double ciHigh = lat.path("ciHigh").asDouble(Double.NaN);
      Spread spread =
          p50 > 0 && ciLow > 0 && ciLow <= p50 && p50 <= ciHigh
              ? Spread.latencyCi(p50, ciLow, ciHigh)
              : Spread.runToRun("the file has no confidence interval of the median");
      for (HardwareEntry entry : entries) {
        out.add(new Point(f, host, entry, sha, batch, threads, throughput, p99, spread));
      }
    }
    if (out.isEmpty()) {
      throw refused(f, "has no results");
    }
    return out;
  }

  private static List<Point> bench(Path f, Catalog catalog) throws InfercostException {
    BenchResults r = Gate.read(f);
    BenchResults.Provenance prov = r.provenance();
    if (prov == null || prov.fingerprint() == null || prov.threads() == null) {
      throw refused(f, "has no host fingerprint or threads; rerun bench with this infercost");
    }
    HardwareEntry entry = match(f, prov.fingerprint(), catalog);
    List<Point> out = new ArrayList<>();
    for (BenchResults.Entry e : r.entries()) {
      Optional<BenchResults.Metric> lat = e.metric(Measure.LATENCY_P50.id());
      Optional<BenchResults.Metric> thr = e.metric(Measure.THROUGHPUT.id());
      if (e.modelSha256() == null
          || e.batch() == null
          || lat.isEmpty()
          || thr.isEmpty()
          || lat.get().samples().isEmpty()) {
        throw refused(
            f,
            "entry '"
                + e.name()
                + "' lacks its modelSha256, batch, throughput or latency samples; rerun bench"
                + " with this infercost");
      }
      LatencyStats stats =
          LatencyStats.of(lat.get().samples().stream().mapToDouble(Double::doubleValue).toArray());
      out.add(
          new Point(
              f,
              prov.fingerprint(),
              entry,
              sha(f, e.modelSha256()),
              e.batch(),
              prov.threads(),
              thr.get().value(),
              stats.p99(),
              PricingInputs.spread(stats)));
    }
    return out;
  }

  private static HostFingerprint fingerprint(Path f, JsonNode node) throws InfercostException {
    if (node == null || node.isNull()) {
      throw refused(f, "has no host fingerprint; rerun profile --json with this infercost");
    }
    try {
      return HostFingerprint.fromJson(node, "fingerprint");
    } catch (IllegalArgumentException e) {
      throw refused(f, e.getMessage());
    }
  }

  private static HardwareEntry match(Path f, HostFingerprint host, Catalog catalog)
      throws InfercostException {
    Optional<HardwareEntry> e = Pricer.matchHost(catalog, HostCpu.of(host));
    if (e.isEmpty()) {
      throw refused(
          f,
          "measured on "
              + host.label()
              + ", which matches no single entry of "
              + catalog.origin()
              + "; add an entry for that machine to a catalog file (\"extends\": \"builtin\")"
              + " and pass it as the hardware catalog");
    }
    return e.get();
  }

  /**
   * The entries a CUDA measurement prices: every one with as many GPUs of the model the file's
   * fingerprint names ({@link Pricer#matchGpus}).
   */
  private static List<HardwareEntry> matchGpus(Path f, HostFingerprint host, Catalog catalog)
      throws InfercostException {
    HostFingerprint.Gpu gpu = host.gpu();
    if (gpu == null) {
      throw refused(
          f, "was measured on device 'cuda' but its fingerprint names no GPU; rerun profile there");
    }
    int count = gpu.count() == null ? 1 : gpu.count();
    List<HardwareEntry> e = Pricer.matchGpus(catalog, gpu.name(), count);
    if (e.isEmpty()) {
      throw refused(
          f,
          "measured on "
              + count
              + " x "
              + gpu.name()
              + ", which matches no GPU entry of "
              + catalog.origin()
              + " with that many; add an entry for that machine to a catalog file (\"extends\":"
              + " \"builtin\") and pass it as the hardware catalog");
    }
    return e;
  }

  private static String sha(Path f, String sha) throws InfercostException {
    if (sha == null || !sha.matches("[0-9a-f]{64}")) {
      throw refused(f, "has no modelSha256 of 64 lower-case hex digits");
    }
    return sha;
  }

  private static String shortSha(String sha) {
    return sha.substring(0, Math.min(12, sha.length()));
  }

  private static InfercostException refused(Path f, String why) {
    return new InfercostException(f + ": " + why, Parameter.MEASUREMENTS);
  }
}
