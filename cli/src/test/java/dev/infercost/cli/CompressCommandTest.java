package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.models.Models;
import dev.infercost.models.Tensor;
import dev.infercost.profile.TensorFiles;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressCommandTest {
  @TempDir Path tmp;

  @Test
  void compressesDigitsCnnWithinTheAccuracyBound() throws Exception {
    Path out = tmp.resolve("out");
    CliTest.Run r =
        run(
            "compress",
            "digits-cnn",
            "--out",
            out.toString(),
            "--max-accuracy-drop",
            "0.01",
            "--no-profile",
            "--json",
            "--quiet");
    assertEquals(0, r.code(), r.err());
    JsonNode j = r.json();
    assertEquals(1, j.get("schema").asInt());
    assertTrue(j.get("bound").get("met").asBoolean());
    assertTrue(j.get("sizeRatio").asDouble() < 0.5);
    assertTrue(Files.exists(out.resolve("model.int8.onnx")));
    assertTrue(Files.exists(out.resolve("report.md")));

    CliTest.Run e =
        run(
            "evaluate",
            "digits-cnn",
            out.resolve("model.int8.onnx").toString(),
            "--data",
            testData().toString(),
            "--json");
    assertEquals(0, e.code(), e.err());
    assertEquals(450, e.json().get("samples").asInt());
    assertTrue(e.json().get("top1Agreement").asDouble() > 0.95);
    // Labelled logits: the ratio is reported, and accuracy, not cosine, judges (no lenient line).
    assertTrue(e.json().get("commonRatio").asDouble() > 0, e.out());
    CliTest.Run text =
        run(
            "evaluate",
            "digits-cnn",
            out.resolve("model.int8.onnx").toString(),
            "--data",
            testData().toString());
    assertEquals(0, text.code(), text.err());
    assertTrue(text.out().contains("shared / varying energy"), text.out());
    assertFalse(text.out().contains("cosine is lenient"), text.out());
  }

  @Test
  void anUnmetBoundExitsOneButWritesTheModel() {
    Path out = tmp.resolve("strict");
    CliTest.Run r =
        run(
            "compress",
            "digits-mlp",
            "--out",
            out.toString(),
            "--min-cosine",
            "1",
            "--no-profile",
            "--quiet");
    assertEquals(1, r.code(), r.err());
    assertTrue(r.out().contains("NOT met"), r.out());
    assertTrue(Files.exists(out.resolve("model.int8.onnx")));
  }

  @Test
  void badModelsAndOptions() throws Exception {
    Path junk = Files.write(tmp.resolve("junk.onnx"), new byte[] {1, 2, 3, 4, 5});
    Path out = tmp.resolve("o");
    assertBadInput(run("compress", junk.toString(), "--out", out.toString()), junk.toString());
    assertTrue(Files.notExists(out.resolve("model.int8.onnx")));
    Path file = Files.writeString(tmp.resolve("afile"), "x");
    assertBadInput(run("compress", "digits-mlp", "--out", file.toString()), file.toString());
    assertBadInput(
        run("compress", "digits-mlp", "--out", out.toString(), "--smooth", "lots"), "--smooth");
    assertBadInput(
        run("compress", "digits-mlp", "--out", out.toString(), "--min-cosine", "2"), "min-cosine");
    assertBadInput(
        run(
            "compress",
            "digits-mlp",
            "--out",
            out.toString(),
            "--min-cosine",
            "0.9",
            "--max-accuracy-drop",
            "0.1"),
        "mutually exclusive");
  }

  @Test
  void badEvaluationData() throws Exception {
    String ref = "digits-cnn";
    Path empty = Files.createFile(tmp.resolve("empty.npz"));
    assertBadInput(run("evaluate", ref, ref, "--data", empty.toString()), empty.toString());
    Path unknown = Files.writeString(tmp.resolve("data.parquet"), "x");
    assertBadInput(run("evaluate", ref, ref, "--data", unknown.toString()), "unknown data format");
    Path wrongShape = npy(tmp.resolve("input.npy"), "<f4", new long[] {2, 3}, new byte[2 * 3 * 4]);
    assertBadInput(run("evaluate", ref, ref, "--data", wrongShape.toString()), "shape");
    Path wrongType =
        npy(tmp.resolve("w/input.npy"), "<i8", new long[] {1, 1, 8, 8}, new byte[64 * 8]);
    assertBadInput(run("evaluate", ref, ref, "--data", wrongType.toString()), "int64");
    Path csv = Files.writeString(tmp.resolve("bad.csv"), "a,b,label\n1,x,0\n");
    assertBadInput(run("evaluate", ref, ref, "--data", csv.toString()), csv.toString());
    Path text = Files.writeString(tmp.resolve("s.txt"), "hello\n");
    assertBadInput(run("evaluate", ref, ref, "--data", text.toString()), "tokenizer");
  }

  /**
   * The bundled digits test split rendered as 8x8 grey PNGs in class folders ({@code 0}..{@code 9},
   * which sort as the labels do): pixel = round(x * 255) for x in [0, 1].
   */
  private Path renderedDigits() throws Exception {
    Map<String, Tensor> npz = TensorFiles.read(testData());
    float[] x = npz.get("input").toFloats();
    float[] y = npz.get("label").toFloats();
    Path dir = tmp.resolve("digits");
    for (int i = 0; i < y.length; i++) {
      BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
      for (int p = 0; p < 64; p++) {
        img.getRaster().setSample(p % 8, p / 8, 0, Math.round(x[i * 64 + p] * 255));
      }
      Path f = dir.resolve(Integer.toString((int) y[i])).resolve(String.format("%03d.png", i));
      Files.createDirectories(f.getParent());
      ImageIO.write(img, "png", f.toFile());
    }
    return dir;
  }

  @Test
  void anImageFolderGivesTheAccuracyOfTheArrays() throws Exception {
    Path images = renderedDigits();
    Path spec = Files.writeString(tmp.resolve("gray.yaml"), "scale: 1/255\nchannels: gray\n");
    CliTest.Run arrays =
        run("evaluate", "digits-cnn", "digits-cnn", "--data", testData().toString(), "--json");
    CliTest.Run pngs =
        run(
            "evaluate",
            "digits-cnn",
            "digits-cnn",
            "--data",
            images.toString(),
            "--preprocess",
            spec.toString(),
            "--json");
    assertEquals(0, arrays.code(), arrays.err());
    assertEquals(0, pngs.code(), pngs.err());
    assertEquals(450, pngs.json().get("samples").asInt());
    // 8-bit rounding moves pixels by at most 0.5/255; the accuracy may differ by one sample.
    assertEquals(
        arrays.json().get("referenceAccuracy").asDouble(),
        pngs.json().get("referenceAccuracy").asDouble(),
        1.0 / 450 + 1e-9);
    assertTrue(pngs.json().get("referenceAccuracy").asDouble() > 0.9);

    Path out = tmp.resolve("out");
    CliTest.Run c =
        run(
            "compress",
            "digits-cnn",
            "--out",
            out.toString(),
            "--data",
            images.toString(),
            "--preprocess",
            spec.toString(),
            "--max-accuracy-drop",
            "0.02",
            "--no-profile",
            "--json",
            "--quiet");
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains(images.toString()), c.out());
  }

  @Test
  void badImageDataNamesTheImageAndTheFlag() throws Exception {
    Path dir = tmp.resolve("imgs");
    Files.createDirectories(dir.resolve("cat"));
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    ImageIO.write(img, "png", dir.resolve("cat/a.png").toFile());
    Path bad = Files.writeString(dir.resolve("cat/b.png"), "not a png");
    assertBadInput(
        run("evaluate", "digits-cnn", "digits-cnn", "--data", dir.toString()),
        bad + ": not a PNG or JPEG image");
    assertBadInput(
        run(
            "compress",
            "digits-cnn",
            "--out",
            tmp.resolve("o").toString(),
            "--calib-data",
            dir.toString()),
        "(--calib-data)");
    Files.delete(bad);
    Path spec = Files.writeString(tmp.resolve("p.yaml"), "mean: [1, 2, 3, 4]\n");
    assertBadInput(
        run(
            "evaluate",
            "digits-cnn",
            "digits-cnn",
            "--data",
            dir.toString(),
            "--preprocess",
            spec.toString()),
        spec + ": 'mean' is [1,2,3,4]");
  }

  private static Path testData() throws Exception {
    var b = Models.builtin("digits-cnn").orElseThrow();
    return Models.builtinFile(b, b.testDataResource().orElseThrow());
  }

  /** A version-1 .npy file. */
  static Path npy(Path file, String descr, long[] shape, byte[] data) throws Exception {
    Files.createDirectories(file.getParent());
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(d).append(", ");
    }
    String header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }";
    int pad = 16 - (10 + header.length() + 1) % 16;
    header = header + " ".repeat(pad) + "\n";
    ByteBuffer b =
        ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
    b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII)).put(data);
    return Files.write(file, b.array());
  }
}
