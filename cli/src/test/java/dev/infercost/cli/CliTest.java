package dev.infercost.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.profile.Profiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives the command line through {@code CommandLine.execute} with captured streams. */
class CliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] FAST = {
    "--min-samples", "5", "--min-time", "0.05", "--warmup", "1"
  };

  @TempDir Path tmp;

  /** Exit code and captured streams of one run. */
  record Run(int code, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out);
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.newCommandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** The held-out data of the built-in digits-mlp model. */
  static String digitsData() {
    try {
      var b = Models.builtin("digits-mlp").orElseThrow();
      return Models.builtinFile(b, b.testDataResource().orElseThrow()).toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String[] concat(String[] a, String... b) {
    return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
  }

  /** Bad input: exit 2, nothing on stdout, one line on stderr that names {@code what}. */
  static void assertBadInput(Run r, String what) {
    assertEquals(2, r.code(), () -> "exit code; stderr: " + r.err());
    assertEquals("", r.out(), "stdout must stay empty");
    String err = r.err().strip();
    assertFalse(err.contains("\n"), () -> "one line expected, got:\n" + err);
    assertTrue(err.contains(what), () -> "expected '" + what + "' in: " + err);
    assertFalse(err.contains("Exception"), () -> "no stack trace or exception name: " + err);
  }

  @Test
  void modelsListsTheBuiltins() throws IOException {
    Run r = run("models", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode list = r.json();
    assertEquals(3, list.size());
    assertEquals("digits-mlp", list.get(0).get("name").asText());
    assertEquals("minilm-l6", list.get(2).get("name").asText());
    assertTrue(list.get(2).get("onnxBytes").asLong() > 80_000_000L);
  }

  @Test
  void inspectPrintsMacsAtTheGivenShape() throws IOException {
    Run r = run("inspect", "digits-cnn", "--shape", "input=1x1x8x8", "--json");
    assertEquals(0, r.code(), r.err());
    JsonNode info = r.json();
    assertEquals(13, info.get("opset").asInt());
    assertEquals("input", info.get("inputs").get(0).get("name").asText());
    assertEquals("batch", info.get("inputs").get(0).get("dims").get(0).get("symbol").asText());
    // Conv 1→8 and 8→16 (3x3, pad 1) on 8x8, then Gemm 256→32 and 32→10.
    long expected = 64 * 8 * 9 + 64 * 16 * 8 * 9 + 256 * 32 + 32 * 10;
    assertEquals(expected, info.get("macs").asLong());
  }

  @Test
  void inspectSaysUnknownWithoutShapes() {
    Run r = run("inspect", "digits-cnn");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("unknown"), r.out());
  }

  /**
   * A model without MatMul, Gemm or Conv (an ONNX-ML classifier, a Relu) read "0 (0 FLOPs) at ;".
   */
  @Test
  void inspectSaysWhenAModelHasNoMatMulGemmOrConv() throws Exception {
    var x =
        ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder()
            .setName("x")
            .setType(
                ai.onnx.proto.OnnxMl.TypeProto.newBuilder()
                    .setTensorType(
                        ai.onnx.proto.OnnxMl.TypeProto.Tensor.newBuilder()
                            .setElemType(ai.onnx.proto.OnnxMl.TensorProto.DataType.FLOAT_VALUE)
                            .setShape(
                                ai.onnx.proto.OnnxMl.TensorShapeProto.newBuilder()
                                    .addDim(
                                        ai.onnx.proto.OnnxMl.TensorShapeProto.Dimension.newBuilder()
                                            .setDimParam("n")))))
            .build();
    var m =
        ai.onnx.proto.OnnxMl.ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(ai.onnx.proto.OnnxMl.OperatorSetIdProto.newBuilder().setVersion(13))
            .setGraph(
                ai.onnx.proto.OnnxMl.GraphProto.newBuilder()
                    .setName("g")
                    .addInput(x)
                    .addOutput(x.toBuilder().setName("y"))
                    .addNode(
                        ai.onnx.proto.OnnxMl.NodeProto.newBuilder()
                            .setOpType("Relu")
                            .addInput("x")
                            .addOutput("y")))
            .build();
    Path f = Files.write(tmp.resolve("relu.onnx"), m.toByteArray());
    Run r = run("inspect", f.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("MACs        0 (0 FLOPs) (no MatMul, Gemm or Conv)"), r.out());
  }

  @Test
  void inspectListsTorchScriptParameters() throws Exception {
    Path pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT);
    Run r = run("inspect", pt.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    assertEquals(4810, r.json().get("parameters").asLong());
    assertEquals(4, r.json().get("parameterList").size());
  }

  @Test
  void profileJsonIsOneDocumentAndOutFileMatches() throws IOException {
    Path report = tmp.resolve("report.json");
    Run r =
        run(
            concat(
                FAST,
                "profile",
                "digits-cnn",
                "--batch",
                "1,4",
                "--json",
                "--quiet",
                "--out",
                report.toString()));
    // Options before the subcommand belong to the root: put them after.
    if (r.code() != 0) {
      r =
          run(
              concat(
                  new String[] {
                    "profile",
                    "digits-cnn",
                    "--batch",
                    "1,4",
                    "--json",
                    "--quiet",
                    "--out",
                    report.toString()
                  },
                  FAST));
    }
    assertEquals(0, r.code(), r.err());
    JsonNode json = r.json();
    assertEquals(1, json.get("schema").asInt(), "every JSON document carries its layout version");
    assertEquals(2, json.get("results").size());
    assertEquals(4, json.get("results").get(1).get("batch").asInt());
    JsonNode lat = json.get("results").get(0).get("latency");
    assertTrue(lat.get("p50").asDouble() > 0);
    assertTrue(lat.get("ciLow").asDouble() <= lat.get("p50").asDouble());
    assertTrue(lat.get("samples").asInt() >= 5);
    assertEquals("", r.err(), "--quiet leaves stderr empty");
    assertEquals(json, JSON.readTree(report.toFile()));
  }

  @Test
  void profileTableShowsHostAndStats() {
    Run r = run(concat(new String[] {"profile", "digits-mlp", "--engine", "djl"}, FAST));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("djl on cpu"), r.out());
    assertTrue(r.out().contains("p50 ms"), r.out());
    assertTrue(r.err().contains("measuring"), "progress goes to stderr");
  }

  @Test
  void missingFile() {
    String f = tmp.resolve("nope.onnx").toString();
    assertBadInput(run("inspect", f), f);
    assertBadInput(run("profile", f), f);
  }

  @Test
  void directory() {
    assertBadInput(run("inspect", tmp.toString()), tmp.toString());
  }

  @Test
  void emptyFile() throws IOException {
    Path f = Files.createFile(tmp.resolve("empty.onnx"));
    assertBadInput(run("inspect", f.toString()), f.toString());
    assertBadInput(run("profile", f.toString()), f.toString());
  }

  @Test
  void randomBytes() throws IOException {
    byte[] junk = new byte[4096];
    new Random(7).nextBytes(junk);
    Path f = Files.write(tmp.resolve("junk.onnx"), junk);
    assertBadInput(run("inspect", f.toString()), f.toString());
    assertBadInput(run("profile", f.toString()), f.toString());
  }

  @Test
  void truncatedOnnx() throws Exception {
    byte[] full = Files.readAllBytes(Models.resolve("digits-cnn", ModelFormat.ONNX));
    Path f = Files.write(tmp.resolve("cut.onnx"), Arrays.copyOf(full, full.length / 2));
    assertBadInput(run("inspect", f.toString()), f.toString());
    assertBadInput(run("profile", f.toString()), f.toString());
  }

  @Test
  void torchScriptWhereOnnxIsExpected() throws Exception {
    String pt = Models.resolve("digits-mlp", ModelFormat.TORCHSCRIPT).toString();
    Run r = run("profile", pt, "--engine", "ort");
    assertBadInput(r, pt);
    assertTrue(r.err().contains("TorchScript"), r.err());
  }

  @Test
  void onnxWhereTorchScriptIsExpected() throws Exception {
    String onnx = Models.resolve("digits-cnn", ModelFormat.ONNX).toString();
    assertBadInput(run("profile", onnx, "--engine", "djl", "--shape", "input=1x1x8x8"), onnx);
  }

  @Test
  void wrongShapes() {
    assertBadInput(run("profile", "digits-cnn", "--shape", "input=1xabc"), "input=1xabc");
    assertBadInput(run("profile", "digits-cnn", "--shape", "input=1x64"), "input=1x64");
    assertBadInput(run("profile", "digits-cnn", "--shape", "input=1x3x8x8"), "dim 1");
    assertBadInput(run("profile", "digits-cnn", "--shape", "pixels=1x1x8x8"), "pixels");
    assertBadInput(run("inspect", "digits-cnn", "--shape", "pixels=1x1x8x8"), "pixels");
  }

  @Test
  void badInputsFile() throws IOException {
    Path f = Files.writeString(tmp.resolve("inputs.csv"), "1,2,3\n");
    assertBadInput(run("profile", "digits-cnn", "--inputs", f.toString()), f.toString());
  }

  @Test
  void unwritableOutput() {
    Path inMissingDir = tmp.resolve("no/such/dir/report.json");
    Run r =
        run(
            concat(
                new String[] {"profile", "digits-cnn", "--quiet", "--out", inMissingDir.toString()},
                FAST));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().strip().contains(inMissingDir.toString()), r.err());
    assertFalse(Files.exists(inMissingDir));
  }

  @Test
  void outputUnderARegularFileLeavesNothingBehind() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain"), "x");
    Path target = file.resolve("report.json");
    Run r =
        run(
            concat(
                new String[] {"profile", "digits-cnn", "--quiet", "--out", target.toString()},
                FAST));
    assertEquals(2, r.code(), r.err());
    assertEquals("x", Files.readString(file));
  }

  @Test
  void cudaWithoutCudaSaysSo() {
    Assumptions.assumeFalse(Profiler.cudaAvailable(), "this build has CUDA");
    Run r = run("profile", "digits-cnn", "--device", "cuda");
    assertBadInput(r, "CUDA");
  }

  @Test
  void usageErrorsAreOneLine() {
    assertBadInput(run("profile", "digits-cnn", "--engine", "tensorflow"), "--engine");
    assertBadInput(run("profile", "digits-cnn", "--batch", "0"), "--batch");
    assertBadInput(run("profile", "digits-cnn", "--no-such-flag"), "--no-such-flag");
    assertBadInput(run("profile"), "MODEL");
  }

  @Test
  void verboseAddsTheStackTrace() {
    Run r = run("inspect", tmp.resolve("nope.onnx").toString(), "--verbose");
    assertEquals(2, r.code());
    assertTrue(r.err().contains("ModelException"), r.err());
  }
}
