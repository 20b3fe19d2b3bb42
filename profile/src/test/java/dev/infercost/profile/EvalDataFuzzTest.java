package dev.infercost.profile;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.infercost.base.Parameter;
import dev.infercost.base.ReaderFuzz;
import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.Models;
import dev.infercost.models.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Fuzz tests of the evaluation data readers (see {@code dev.infercost.base.ReaderFuzz}): CSV, text
 * with a HuggingFace tokenizer (the text fuzzed with MiniLM's tokenizer, and the tokenizer.json
 * fuzzed with fixed text), tables of labelled sentences (TSV and JSON Lines, and the label names of
 * a config.json), and image folders (the image, and the folder's labels.csv). Seeds and past
 * findings are in {@code EvalDataFuzzTestInputs/<method>/}.
 */
class EvalDataFuzzTest {
  /** A model with one float input [N, 4] (CSV) or [N, 3, 8, 8] (images). */
  private static final List<TensorSpec> VECTOR =
      List.of(new TensorSpec("x", DType.FLOAT32, List.of(Dim.symbolic("N"), Dim.fixed(4)), true));

  private static final List<TensorSpec> IMAGE =
      List.of(
          new TensorSpec(
              "x",
              DType.FLOAT32,
              List.of(Dim.symbolic("N"), Dim.fixed(3), Dim.fixed(8), Dim.fixed(8)),
              true));

  private static final List<TensorSpec> TEXT =
      List.of(
          new TensorSpec(
              "input_ids", DType.INT64, List.of(Dim.symbolic("N"), Dim.symbolic("T")), true),
          new TensorSpec(
              "attention_mask", DType.INT64, List.of(Dim.symbolic("N"), Dim.symbolic("T")), true));

  @FuzzTest
  void csv(byte[] bytes) throws Exception {
    Path f = ReaderFuzz.write(ReaderFuzz.scratch(), "data.csv", bytes);
    ReaderFuzz.check(() -> EvalData.load(f, VECTOR, Optional.empty()));
  }

  @FuzzTest
  void text(byte[] bytes) throws Exception {
    Path f = ReaderFuzz.write(ReaderFuzz.scratch(), "data.txt", bytes);
    ReaderFuzz.check(() -> EvalData.load(f, TEXT, Optional.of(minilmTokenizer())));
  }

  @FuzzTest
  void tokenizer(byte[] bytes) throws Exception {
    Path dir = ReaderFuzz.scratch();
    Path tokenizer = ReaderFuzz.write(dir, "tokenizer.json", bytes);
    Path f = Files.writeString(dir.resolve("data.txt"), "a small test\nhello world, again!\n");
    ReaderFuzz.check(() -> EvalData.load(f, TEXT, Optional.of(tokenizer)));
  }

  /**
   * A table of labelled sentences (TSV, or JSON Lines when the first byte is odd) whose class names
   * are listed in a {@code classes.txt}.
   */
  @FuzzTest
  void textTable(FuzzedDataProvider data) throws Exception {
    Path dir = ReaderFuzz.scratch();
    Files.writeString(dir.resolve(ClassNames.FILE), "negative\npositive\n");
    String name = data.consumeBoolean() ? "data.jsonl" : "data.tsv";
    Path f = ReaderFuzz.write(dir, name, data.consumeRemainingAsBytes());
    ReaderFuzz.check(() -> EvalData.load(f, TEXT, Optional.of(minilmTokenizer())));
  }

  /** Label names from a fuzzed {@code config.json} beside the tokenizer. */
  @FuzzTest
  void labelNames(byte[] bytes) throws Exception {
    Path dir = ReaderFuzz.scratch();
    Path tokenizer = Files.copy(minilmTokenizer(), dir.resolve("tokenizer.json"));
    ReaderFuzz.write(dir, "config.json", bytes);
    Path f =
        Files.writeString(
            dir.resolve("data.jsonl"),
            "{\"text\": \"a fine film\", \"label\": \"POSITIVE\"}\n"
                + "{\"text\": \"a dull one\", \"label\": \"negative\"}\n");
    ReaderFuzz.check(() -> EvalData.load(f, TEXT, Optional.of(tokenizer)));
  }

  private static Path minilmTokenizer() throws Exception {
    return Models.builtinFile(
        Models.builtin("minilm-l6").orElseThrow(), "all-minilm-l6-v2-tokenizer.json");
  }

  /** One image (PNG, or JPEG when the first byte is odd) in class folder {@code a}. */
  @FuzzTest
  void image(FuzzedDataProvider data) throws Exception {
    Path dir = ReaderFuzz.scratch();
    String name = data.consumeBoolean() ? "i.jpg" : "i.png";
    Files.createDirectory(dir.resolve("a"));
    ReaderFuzz.write(dir.resolve("a"), name, data.consumeRemainingAsBytes());
    ReaderFuzz.check(
        () -> EvalData.load(dir, IMAGE, Optional.empty(), Optional.empty(), Parameter.EVAL_DATA));
  }

  /** A folder of two valid 8x8 PNGs with a fuzzed labels.csv. */
  @FuzzTest
  void imageLabels(byte[] labels) throws Exception {
    Path dir = ReaderFuzz.scratch();
    ReaderFuzz.write(dir, "p.png", PNG);
    ReaderFuzz.write(dir, "q.png", PNG);
    ReaderFuzz.write(dir, ImageFolder.LABELS, labels);
    ReaderFuzz.check(
        () -> EvalData.load(dir, IMAGE, Optional.empty(), Optional.empty(), Parameter.EVAL_DATA));
  }

  private static final byte[] PNG = png();

  private static byte[] png() {
    try {
      var img = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
      img.setRGB(3, 4, 0x336699);
      var out = new java.io.ByteArrayOutputStream();
      javax.imageio.ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
