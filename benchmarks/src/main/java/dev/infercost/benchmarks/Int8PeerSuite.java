package dev.infercost.benchmarks;

import dev.infercost.base.AtomicFiles;
import dev.infercost.base.InfercostException;
import dev.infercost.compress.CpuFeatures;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import dev.infercost.workflows.CompressRequest;
import dev.infercost.workflows.CompressWorkflow;
import dev.infercost.workflows.Method;
import dev.infercost.workflows.ModelRef;
import dev.infercost.workflows.Reports;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The int8 acceptance suite: fp32 MiniLM-L6, ONNX Runtime's own int8 quantization of it (the peer,
 * from Maven) and ours, measured in one run — fidelity to fp32 on the held-out sentences, latency
 * interleaved with the same inputs and threads, and size.
 *
 * <p>How to run: {@code benchmarks/int8-suite [--threads 1,2] [--rounds 12] [--samples 10]}. Writes
 * {@code benchmarks/target/int8-suite/results.json}.
 */
public final class Int8PeerSuite {
  private static final String PEER_RESOURCE = "all-minilm-l6-v2-q.onnx";

  private Int8PeerSuite() {}

  /** One model's figures. */
  record Row(
      String model,
      long bytes,
      double meanCosine,
      double minCosine,
      Double nnAgreement,
      Map<Integer, LatencyStats> latencyByThreads) {}

  /** What results.json holds. */
  record Results(
      HostInfo host,
      String int8Isa,
      int sentences,
      String inputs,
      List<Row> rows,
      Map<String, Double> ratios,
      Map<String, Boolean> goals) {}

  public static void main(String[] args) throws Exception {
    List<Integer> threads = List.of(1, 2);
    int rounds = 12;
    int samples = 10;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--threads" ->
            threads = List.of(args[i + 1].split(",")).stream().map(Integer::parseInt).toList();
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--samples" -> samples = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Path.of("benchmarks", "target", "int8-suite").toAbsolutePath();
    Files.createDirectories(dir);
    String fp32 = Models.resolve("minilm-l6", ModelFormat.ONNX).toString();
    String peer = extractPeer(dir).toString();
    log("compressing minilm-l6 with infercost defaults");
    var ours =
        CompressWorkflow.run(
            CompressRequest.builder(ModelRef.resolve("minilm-l6"), dir.resolve("ours"))
                .optMeasure(false)
                .build(),
            Int8PeerSuite::log);
    String oursPath = ours.output().path();

    var b = Models.builtin("minilm-l6").orElseThrow();
    Path sentences = Models.builtinFile(b, b.testDataResource().orElseThrow());
    EvalData data =
        EvalData.load(
            sentences, Evaluator.inputSpecs(fp32), Evaluator.defaultTokenizer("minilm-l6"));
    var peerFid = Evaluator.evaluate(fp32, peer, data, 2, Int8PeerSuite::log);
    var oursFid = Evaluator.evaluate(fp32, oursPath, data, 2, Int8PeerSuite::log);

    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (String in : List.of("input_ids", "attention_mask", "token_type_ids")) {
      shapes.put(in, new long[] {1, 128});
    }
    List<Tensor> inputs = SideBySide.syntheticInputs(fp32, shapes, s -> {});
    List<String> models = List.of(fp32, peer, oursPath);
    List<Map<Integer, LatencyStats>> lat =
        List.of(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>());
    for (int t : threads) {
      ProfileOptions o =
          ProfileOptions.builder()
              .optThreads(t)
              .optWarmup(20, 0)
              .optSampling(samples, 0, 600_000)
              .build();
      List<LatencyStats> s =
          SideBySide.measure(models, inputs, o, rounds, Int8PeerSuite::log).stream()
              .map(SideBySide.Result::stats)
              .toList();
      for (int i = 0; i < 3; i++) {
        lat.get(i).put(t, s.get(i));
      }
    }
    List<Row> rows = new ArrayList<>();
    rows.add(new Row(Method.FP32.label(), Files.size(Path.of(fp32)), 1, 1, 1.0, lat.get(0)));
    rows.add(
        new Row(
            "peer (ORT quantizer)",
            Files.size(Path.of(peer)),
            peerFid.meanCosine(),
            peerFid.minCosine(),
            peerFid.nnAgreement(),
            lat.get(1)));
    rows.add(
        new Row(
            "infercost int8",
            Files.size(Path.of(oursPath)),
            oursFid.meanCosine(),
            oursFid.minCosine(),
            oursFid.nnAgreement(),
            lat.get(2)));

    Map<String, Double> ratios = new LinkedHashMap<>();
    Map<String, Boolean> goals = new LinkedHashMap<>();
    for (int t : threads) {
      double r = lat.get(2).get(t).p50() / lat.get(1).get(t).p50();
      ratios.put("latency_p50_ours_over_peer_" + t + "_threads", r);
      goals.put("latency <= 1.00x peer (" + t + " threads)", r <= 1.0);
    }
    double errRatio = (1 - oursFid.meanCosine()) / (1 - peerFid.meanCosine());
    double sizeRatio = (double) rows.get(2).bytes() / rows.get(1).bytes();
    ratios.put("one_minus_cosine_ours_over_peer", errRatio);
    ratios.put("size_ours_over_peer", sizeRatio);
    goals.put("1 - mean cosine <= half the peer's", errRatio <= 0.5);
    goals.put("nearest-neighbour agreement >= 0.90", oursFid.nnAgreement() >= 0.90);
    goals.put("size <= 1.00x peer", sizeRatio <= 1.0);

    Results res =
        new Results(
            HostInfo.current(),
            CpuFeatures.int8InstructionSet(),
            data.samples(),
            "synthetic ids, batch 1, sequence 128; "
                + rounds
                + " interleaved rounds x "
                + samples
                + " runs per model",
            rows,
            ratios,
            goals);
    Reports.writeJson(dir.resolve("results.json"), res);
    print(res, threads);
  }

  private static void print(Results r, List<Integer> threads) {
    System.out.printf(
        Locale.ROOT,
        "MiniLM-L6 int8 suite on %s (%d logical cores, int8 ISA %s), ONNX Runtime %s%n",
        r.host().cpuModel(),
        r.host().logicalCores(),
        r.int8Isa(),
        r.host().onnxRuntime());
    System.out.printf(
        Locale.ROOT,
        "fidelity vs fp32 on %d held-out sentences; latency: %s%n%n",
        r.sentences(),
        r.inputs());
    StringBuilder h =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%-22s %9s %10s %8s %8s %9s",
                "model",
                "size MB",
                "mean cos",
                "1-cos",
                "min cos",
                "NN agree"));
    for (int t : threads) {
      h.append(String.format(Locale.ROOT, " %15s", "p50 ms (" + t + " thr)"));
    }
    System.out.println(h);
    for (Row row : r.rows()) {
      StringBuilder s =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-22s %9.2f %10.5f %8.5f %8.4f %9.3f",
                  row.model(),
                  row.bytes() / 1e6,
                  row.meanCosine(),
                  1 - row.meanCosine(),
                  row.minCosine(),
                  row.nnAgreement()));
      for (int t : threads) {
        LatencyStats l = row.latencyByThreads().get(t);
        s.append(
            String.format(Locale.ROOT, " %8.2f ±%5.2f", l.p50(), (l.ciHigh() - l.ciLow()) / 2));
      }
      System.out.println(s);
    }
    System.out.println();
    r.ratios().forEach((k, v) -> System.out.printf(Locale.ROOT, "%-40s %.3f%n", k, v));
    System.out.println();
    r.goals()
        .forEach((k, v) -> System.out.printf(Locale.ROOT, "%-40s %s%n", k, v ? "PASS" : "FAIL"));
  }

  private static Path extractPeer(Path dir) throws InfercostException {
    Path target = dir.resolve("peer-" + PEER_RESOURCE);
    AtomicFiles.write(
        target,
        out -> {
          try (InputStream in =
              Int8PeerSuite.class.getClassLoader().getResourceAsStream(PEER_RESOURCE)) {
            if (in == null) {
              throw new java.io.IOException(
                  "peer model " + PEER_RESOURCE + " is not on the classpath");
            }
            in.transferTo(out);
          }
        });
    return target;
  }

  private static void log(String line) {
    System.err.println(line);
  }
}
