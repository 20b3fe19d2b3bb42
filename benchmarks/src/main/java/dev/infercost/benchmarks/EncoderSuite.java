package dev.infercost.benchmarks;

import dev.infercost.base.AtomicFiles;
import dev.infercost.base.InfercostException;
import dev.infercost.compress.CpuFeatures;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.EvalData;
import dev.infercost.profile.EvalReport;
import dev.infercost.profile.Evaluator;
import dev.infercost.profile.HostInfo;
import dev.infercost.profile.LatencyStats;
import dev.infercost.profile.Neighbours;
import dev.infercost.profile.ProfileOptions;
import dev.infercost.profile.SideBySide;
import dev.infercost.workflows.Bound;
import dev.infercost.workflows.CompressReport;
import dev.infercost.workflows.CompressRequest;
import dev.infercost.workflows.CompressWorkflow;
import dev.infercost.workflows.Method;
import dev.infercost.workflows.ModelRef;
import dev.infercost.workflows.Reports;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Two sentence encoders side by side in one run: all-MiniLM-L6-v2 (6 layers) and e5-small-v2 (12
 * layers), each as fp32, ONNX Runtime's own int8 quantization (the {@code -q} jars from Maven), our
 * int8-dynamic with its defaults without calibration data and with the 200 bundled calibration
 * sentences, and {@code --method auto --min-cosine 0.995}: fidelity to fp32 on the 400 held-out
 * sentences (mean/min cosine of mean-pooled embeddings, nearest-neighbour agreement and the mean
 * change of every pair's similarity; ours without calibration against the peer sentence by
 * sentence, with McNemar's exact test), latency interleaved with the same inputs, and the search's
 * wall time.
 *
 * <p>Sentences: the MiniLM built-in's bundled sets for both. e5 was trained with a {@code "query:
 * "} or {@code "passage: "} prefix; its card asks for {@code "query: "} on symmetric tasks
 * (similarity, which nearest-neighbour agreement measures), so e5 reads every sentence with {@code
 * "query: "} in front. MiniLM reads them as they are.
 *
 * <p>How to run: {@code benchmarks/encoder-suite [--threads 1] [--rounds 8] [--samples 10]
 * [--trials 12]}. Writes {@code benchmarks/target/encoder-suite/results.json}.
 */
public final class EncoderSuite {
  private EncoderSuite() {}

  /** One encoder as the jars ship it: fp32 model, ORT's int8 twin, tokenizer, sentence prefix. */
  record Encoder(String name, String fp32, String peer, String tokenizer, String prefix) {}

  static final List<Encoder> ENCODERS =
      List.of(
          new Encoder(
              "all-MiniLM-L6-v2",
              "all-minilm-l6-v2.onnx",
              "all-minilm-l6-v2-q.onnx",
              "all-minilm-l6-v2-tokenizer.json",
              ""),
          new Encoder(
              "e5-small-v2",
              "e5-small-v2.onnx",
              "e5-small-v2-q.onnx",
              "e5-small-v2-tokenizer.json",
              "query: "));

  /** One variant's figures. */
  record Row(
      String variant,
      long bytes,
      double meanCosine,
      double minCosine,
      Double nnAgreement,
      double similarityError,
      Map<Integer, LatencyStats> latencyByThreads,
      Map<Integer, Double> p50OverFp32,
      Map<Integer, Double> p50OverPeer) {}

  /** One encoder's figures; the search's wall time and trial count. */
  record EncoderResult(
      String encoder,
      String prefix,
      int sentences,
      List<Row> rows,
      double searchSeconds,
      int searchTrials,
      String searchVerdict,
      Map<String, Boolean> noCalibrationAtLeastPeer,
      Paired noCalibrationVsPeer) {}

  /**
   * Nearest-neighbour agreement of ours without calibration and the peer's, sample by sample: how
   * many held-out sentences only the peer keeps, how many only ours, and the exact two-sided
   * McNemar p-value (the chance of a split at least this uneven if both were equally faithful).
   */
  record Paired(int onlyPeer, int onlyOurs, double p) {
    static Paired of(boolean[] peer, boolean[] ours) {
      int b = 0;
      int c = 0;
      for (int i = 0; i < peer.length; i++) {
        b += peer[i] && !ours[i] ? 1 : 0;
        c += ours[i] && !peer[i] ? 1 : 0;
      }
      return new Paired(b, c, mcNemar(b, c));
    }

    /** {@code min(1, 2·P(X ≤ min(b, c)))} for {@code X ~ Binomial(b + c, ½)}. */
    static double mcNemar(int b, int c) {
      int n = b + c;
      double tail = 0;
      double logChoose = 0; // log C(n, 0)
      for (int k = 0; k <= Math.min(b, c); k++) {
        tail += Math.exp(logChoose - n * Math.log(2));
        logChoose += Math.log(n - k) - Math.log(k + 1.0);
      }
      return Math.min(1, 2 * tail);
    }
  }

  /** What results.json holds. */
  record Results(HostInfo host, String int8Isa, String inputs, List<EncoderResult> encoders) {}

  public static void main(String[] args) throws Exception {
    List<Integer> threads = List.of(1);
    int rounds = 8;
    int samples = 10;
    int trials = 12;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--threads" ->
            threads = List.of(args[i + 1].split(",")).stream().map(Integer::parseInt).toList();
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--samples" -> samples = Integer.parseInt(args[i + 1]);
        case "--trials" -> trials = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Path dir = Path.of("benchmarks", "target", "encoder-suite").toAbsolutePath();
    Files.createDirectories(dir);
    var b = Models.builtin("minilm-l6").orElseThrow();
    Path evalText = Models.builtinFile(b, b.testDataResource().orElseThrow());
    Path calibText = Models.builtinFile(b, b.calibrationDataResource().orElseThrow());
    List<EncoderResult> out = new ArrayList<>();
    for (Encoder e : ENCODERS) {
      out.add(run(e, dir.resolve(e.name()), evalText, calibText, threads, rounds, samples, trials));
    }
    Results res =
        new Results(
            HostInfo.current(),
            CpuFeatures.int8InstructionSet(),
            "synthetic ids, batch 1, sequence 128; "
                + rounds
                + " interleaved rounds x "
                + samples
                + " runs per model",
            out);
    Reports.writeJson(dir.resolve("results.json"), res);
    print(res, threads);
  }

  private static EncoderResult run(
      Encoder e,
      Path dir,
      Path evalText,
      Path calibText,
      List<Integer> threads,
      int rounds,
      int samples,
      int trials)
      throws Exception {
    Files.createDirectories(dir);
    Path fp32 = extract(e.fp32(), dir);
    Path peer = extract(e.peer(), dir);
    Optional<Path> tok = Optional.of(extract(e.tokenizer(), dir));
    Path evalData = prefixed(evalText, e.prefix(), dir.resolve("sentences-eval.txt"));
    Path calibData = prefixed(calibText, e.prefix(), dir.resolve("sentences-calib.txt"));
    // A model given as a file has no default data: without --calib-data nothing calibrates.
    ModelRef ref = ModelRef.resolve(fp32.toString(), tok);
    log(e.name() + ": int8-dynamic, defaults, no calibration data");
    CompressReport none =
        CompressWorkflow.run(
            CompressRequest.builder(ref, dir.resolve("int8-nocalib")).optMeasure(false).build(),
            EncoderSuite::log);
    log(e.name() + ": int8-dynamic, defaults, 200 calibration sentences");
    CompressReport calib =
        CompressWorkflow.run(
            CompressRequest.builder(ref, dir.resolve("int8-calib"))
                .optCalibrationData(calibData)
                .optCalibrationSamples(200)
                .optMeasure(false)
                .build(),
            EncoderSuite::log);
    log(e.name() + ": --method auto --min-cosine 0.995, " + trials + " trials");
    CompressRequest.Builder autoReq =
        CompressRequest.builder(ref, dir.resolve("auto"))
            .optData(evalData)
            .optCalibrationData(calibData)
            .optCalibrationSamples(200)
            .optBound(Bound.minCosine(0.995))
            .optSearch(new CompressRequest.SearchBudget(trials, Duration.ofMinutes(30)))
            .optMeasure(false);
    // The search times its trials where the rows below are timed (as --shape does).
    Map<String, long[]> shapes = new LinkedHashMap<>();
    for (var spec : Evaluator.inputSpecs(fp32.toString())) {
      shapes.put(spec.name(), new long[] {1, 128});
    }
    shapes.forEach(autoReq::optShape);
    CompressReport auto = CompressWorkflow.run(autoReq.build(), EncoderSuite::log);

    List<String> labels =
        List.of(
            Method.FP32.label(),
            "ORT quantizer (-q jar)",
            Method.INT8_DYNAMIC.label() + " no calib",
            Method.INT8_DYNAMIC.label() + " 200 calib",
            "auto (" + auto.method() + ")");
    List<String> files =
        List.of(
            fp32.toString(),
            peer.toString(),
            none.output().path(),
            calib.output().path(),
            auto.output().path());
    EvalData data = EvalData.load(evalData, Evaluator.inputSpecs(fp32.toString()), tok);
    var reference = Evaluator.reference(fp32.toString(), data, 2);
    List<float[]> refVectors = reference.outputs().vectors();
    List<EvalReport> fid = new ArrayList<>();
    List<boolean[]> agreement = new ArrayList<>();
    List<Double> similarityError = new ArrayList<>();
    for (String f : files) {
      var out =
          f.equals(fp32.toString())
              ? reference.outputs()
              : Evaluator.outputs(f, data, reference.options());
      fid.add(reference.compare(out));
      agreement.add(Neighbours.agreement(refVectors, out.vectors()));
      similarityError.add(Neighbours.similarityError(refVectors, out.vectors()));
    }
    List<Tensor> inputs = SideBySide.syntheticInputs(fp32.toString(), shapes, s -> {});
    List<Map<Integer, LatencyStats>> lat = new ArrayList<>();
    files.forEach(f -> lat.add(new LinkedHashMap<>()));
    for (int t : threads) {
      ProfileOptions o =
          ProfileOptions.builder()
              .optThreads(t)
              .optWarmup(10, 0)
              .optSampling(samples, 0, 600_000)
              .build();
      var s = SideBySide.measure(files, inputs, o, rounds, EncoderSuite::log);
      for (int i = 0; i < files.size(); i++) {
        lat.get(i).put(t, s.get(i).stats());
      }
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Map<Integer, Double> overFp32 = new LinkedHashMap<>();
      Map<Integer, Double> overPeer = new LinkedHashMap<>();
      for (int t : threads) {
        overFp32.put(t, lat.get(i).get(t).p50() / lat.get(0).get(t).p50());
        overPeer.put(t, lat.get(i).get(t).p50() / lat.get(1).get(t).p50());
      }
      rows.add(
          new Row(
              labels.get(i),
              Files.size(Path.of(files.get(i))),
              fid.get(i).meanCosine(),
              fid.get(i).minCosine(),
              fid.get(i).nnAgreement(),
              similarityError.get(i),
              lat.get(i),
              overFp32,
              overPeer));
    }
    EvalReport p = fid.get(1);
    EvalReport n = fid.get(2);
    Map<String, Boolean> goals = new LinkedHashMap<>();
    goals.put("mean cosine >= peer", n.meanCosine() >= p.meanCosine());
    goals.put("min cosine >= peer", n.minCosine() >= p.minCosine());
    goals.put("nn agreement >= peer", n.nnAgreement() >= p.nnAgreement());
    goals.put("similarity error <= peer", similarityError.get(2) <= similarityError.get(1));
    var search = auto.search();
    return new EncoderResult(
        e.name(),
        e.prefix(),
        data.samples(),
        rows,
        search.seconds(),
        search.trials().size(),
        search.verdict(),
        goals,
        Paired.of(agreement.get(1), agreement.get(2)));
  }

  private static void print(Results r, List<Integer> threads) {
    System.out.printf(
        Locale.ROOT,
        "Encoder suite on %s (%d logical cores, int8 ISA %s), ONNX Runtime %s; latency: %s%n",
        r.host().cpuModel(),
        r.host().logicalCores(),
        r.int8Isa(),
        r.host().onnxRuntime(),
        r.inputs());
    for (EncoderResult e : r.encoders()) {
      System.out.printf(
          Locale.ROOT,
          "%n%s (prefix '%s'), fidelity vs fp32 on %d held-out sentences%n",
          e.encoder(),
          e.prefix(),
          e.sentences());
      StringBuilder h =
          new StringBuilder(
              String.format(
                  Locale.ROOT,
                  "%-32s %8s %9s %8s %8s %9s",
                  "variant",
                  "size MB",
                  "mean cos",
                  "min cos",
                  "NN agr",
                  "sim err"));
      for (int t : threads) {
        h.append(String.format(Locale.ROOT, " %13s %9s", "p50/fp32 (" + t + "t)", "p50/peer"));
      }
      System.out.println(h);
      for (Row row : e.rows()) {
        StringBuilder s =
            new StringBuilder(
                String.format(
                    Locale.ROOT,
                    "%-32s %8.2f %9.5f %8.4f %8.3f %9.6f",
                    row.variant(),
                    row.bytes() / 1e6,
                    row.meanCosine(),
                    row.minCosine(),
                    row.nnAgreement(),
                    row.similarityError()));
        for (int t : threads) {
          s.append(
              String.format(
                  Locale.ROOT,
                  " %13.3f %9.3f",
                  row.p50OverFp32().get(t),
                  row.p50OverPeer().get(t)));
        }
        System.out.println(s);
      }
      System.out.printf(
          Locale.ROOT,
          "search: %d trials in %.0f s; %s%n",
          e.searchTrials(),
          e.searchSeconds(),
          e.searchVerdict());
      e.noCalibrationAtLeastPeer()
          .forEach(
              (k, v) ->
                  System.out.printf(
                      Locale.ROOT, "no calibration: %-24s %s%n", k, v ? "PASS" : "FAIL"));
      Paired d = e.noCalibrationVsPeer();
      System.out.printf(
          Locale.ROOT,
          "no calibration vs peer, sentence by sentence: nearest neighbour kept by the peer only"
              + " %d, by ours only %d (exact McNemar p = %.3g)%n",
          d.onlyPeer(),
          d.onlyOurs(),
          d.p());
    }
  }

  /** The sentences of {@code source} with {@code prefix} in front of each. */
  private static Path prefixed(Path source, String prefix, Path target) throws IOException {
    List<String> lines =
        Files.readAllLines(source, StandardCharsets.UTF_8).stream()
            .map(l -> l.isBlank() ? l : prefix + l)
            .toList();
    Files.write(target, lines, StandardCharsets.UTF_8);
    return target;
  }

  private static Path extract(String resource, Path dir) throws InfercostException {
    Path target = dir.resolve(resource);
    AtomicFiles.write(
        target,
        out -> {
          try (InputStream in = EncoderSuite.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
              throw new IOException(
                  resource
                      + " is not on the classpath; check the benchmarks module's dependencies");
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
