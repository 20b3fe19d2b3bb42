package dev.infercost.cli;

import static dev.infercost.cli.CliTest.assertBadInput;
import static dev.infercost.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.infercost.workflows.ModelRef;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A text classifier judged on the user's own labelled sentences: its accuracy, and the bound on its
 * drop, come from a CSV or JSON Lines file whose labels are class names, with the tokenizer taken
 * from beside the model as a HuggingFace export leaves it.
 */
class TextClassifierTest {
  @TempDir Path tmp;

  private static final String[] CLASSES = {"positive", "negative", "neutral"};

  /**
   * A bag-of-words classifier over MiniLM's vocabulary: "good" votes for class 0, "bad" for class
   * 1, every other token for none (a tie, which class 0 wins).
   */
  private Path classifier() throws Exception {
    return classifier(false);
  }

  /**
   * The bag of words; {@code sigmoid}: one score per sentence instead, the probability that it is
   * good (the "good" vote through a Sigmoid).
   */
  private Path classifier(boolean sigmoid) throws Exception {
    Path tokenizer = ModelRef.resolve("minilm-l6").tokenizer().orElseThrow();
    JsonNode vocab = new ObjectMapper().readTree(tokenizer.toFile()).get("model").get("vocab");
    int rows = vocab.size();
    int width = 4;
    float[] table = new float[rows * width];
    table[vocab.get("good").asInt() * width] = 4;
    table[vocab.get("bad").asInt() * width + 1] = 4;
    int outputs = sigmoid ? 1 : CLASSES.length;
    float[] head = new float[width * outputs];
    for (int k = 0; k < outputs; k++) {
      head[k * outputs + k] = 1;
    }
    GraphProto g =
        GraphProto.newBuilder()
            .setName("bag-of-words")
            .addInput(value("input_ids", TensorProto.DataType.INT64_VALUE, "batch", "sequence"))
            .addOutput(value("logits", TensorProto.DataType.FLOAT_VALUE, "batch", outputs + ""))
            .addInitializer(floats("table", table, rows, width))
            .addInitializer(floats("head", head, width, outputs))
            .addNode(node("Gather", "input_ids", "words", "table", "input_ids"))
            .addNode(
                node("ReduceMean", "mean", "pooled", "words")
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("axes")
                            .setType(AttributeProto.AttributeType.INTS)
                            .addInts(1))
                    .addAttribute(
                        AttributeProto.newBuilder()
                            .setName("keepdims")
                            .setType(AttributeProto.AttributeType.INT)
                            .setI(0)))
            .addNode(node("MatMul", "head", sigmoid ? "votes" : "logits", "pooled", "head"))
            .build();
    if (sigmoid) {
      g = g.toBuilder().addNode(node("Sigmoid", "probability", "logits", "votes")).build();
    }
    ModelProto m =
        ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
            .setGraph(g)
            .build();
    Path dir = Files.createDirectories(tmp.resolve("export"));
    Files.copy(tokenizer, dir.resolve("tokenizer.json"));
    return Files.write(dir.resolve("model.onnx"), m.toByteArray());
  }

  private static NodeProto.Builder node(String op, String name, String out, String... in) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(out);
    for (String i : in) {
      n.addInput(i);
    }
    return n;
  }

  private static ValueInfoProto value(String name, int type, String... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (String d : dims) {
      TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
      shape.addDim(d.matches("\\d+") ? dim.setDimValue(Long.parseLong(d)) : dim.setDimParam(d));
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(
            TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(shape)))
        .build();
  }

  private static TensorProto floats(String name, float[] v, long... dims) {
    TensorProto.Builder t =
        TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE);
    for (long d : dims) {
      t.addDims(d);
    }
    for (float x : v) {
      t.addFloatData(x);
    }
    return t.build();
  }

  /** Four reviews; the classifier gets three right (the neutral one is called positive). */
  private Path reviews(String name, String content) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(dir.resolve("classes.txt"), String.join("\n", CLASSES) + "\n");
    return Files.writeString(dir.resolve(name), content);
  }

  @Test
  void labelledSentencesGiveTheAccuracyTheBoundIsCheckedOn() throws Exception {
    Path model = classifier();
    Path csv =
        reviews(
            "reviews.csv",
            "text,label\n"
                + "\"good, really good\",positive\n"
                + "bad film,negative\n"
                + "\"a film, \"\"quoted\"\"\",neutral\n"
                + "\"bad, bad and bad\",negative\n");
    CliTest.Run e =
        run("evaluate", model.toString(), model.toString(), "--data", csv.toString(), "--json");
    assertEquals(0, e.code(), e.err());
    assertEquals(4, e.json().get("samples").asInt());
    assertEquals("logits", e.json().get("outputKind").asText());
    assertEquals(0.75, e.json().get("referenceAccuracy").asDouble(), 1e-9);
    assertEquals(0.0, e.json().get("accuracyDrop").asDouble(), 1e-9);

    Path jsonl =
        reviews(
            "reviews.jsonl",
            "{\"text\": \"good, really good\", \"label\": \"positive\"}\n"
                + "{\"text\": \"bad film\", \"label\": 1}\n"
                + "{\"text\": \"a film\", \"label\": \"neutral\"}\n"
                + "{\"text\": \"bad, bad and bad\", \"label\": \"negative\"}\n");
    CliTest.Run c =
        run(
            "compress",
            model.toString(),
            "--out",
            tmp.resolve("out").toString(),
            "--method",
            "int8-dynamic",
            "--data",
            jsonl.toString(),
            "--max-accuracy-drop",
            "0.01",
            "--json",
            "--quiet");
    assertEquals(0, c.code(), c.err());
    // Without --calib-data the first half calibrates and the second half is held out: the neutral
    // review (called positive) and the third bad one.
    JsonNode fidelity = c.json().get("fidelity");
    assertEquals(2, fidelity.get("samples").asInt(), fidelity.toString());
    assertEquals(0.5, fidelity.get("referenceAccuracy").asDouble(), 1e-9, fidelity.toString());
    assertEquals(0.5, fidelity.get("candidateAccuracy").asDouble(), 1e-9, fidelity.toString());
    // No sample differs, but two samples resolve a drop only to ±1.96 / 4.
    assertEquals(0.49, fidelity.get("accuracyDropMargin").asDouble(), 1e-9, fidelity.toString());
    assertTrue(c.json().get("nextStep").asText().contains("partly luck"), c.out());
  }

  /**
   * A Sigmoid's probabilities are cut at 0.5: a sentence without "good" scores 0.5, class 0 (cut at
   * 0, as logits are, every sentence would be class 1).
   */
  @Test
  void aBinaryClassifiersProbabilityIsCutAtOneHalf() throws Exception {
    Path model = classifier(true);
    Path data =
        Files.writeString(
            tmp.resolve("binary.tsv"),
            "sentence\tlabel\ngood, really good\t1\na film\t0\nbad film\t0\n");
    CliTest.Run r =
        run("evaluate", model.toString(), model.toString(), "--data", data.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    assertEquals("binary-score", r.json().get("outputKind").asText());
    assertEquals(1.0, r.json().get("referenceAccuracy").asDouble(), 1e-9);
  }

  @Test
  void aLabelBeyondTheModelsClassesIsRefused() throws Exception {
    Path model = classifier();
    Path data = Files.writeString(tmp.resolve("indices.csv"), "text,label\ngood film,0\nbad,7\n");
    CliTest.Run r =
        run("evaluate", model.toString(), model.toString(), "--data", data.toString(), "--quiet");
    assertBadInput(r, "label 7 is no class of the model, whose output 'logits' scores 3 classes");
  }

  @Test
  void aLabelNameWithoutTheModelsClassesIsRefusedNamingWhereToListThem() throws Exception {
    Path model = classifier();
    Path data = Files.writeString(tmp.resolve("unlisted.csv"), "text,label\ngood film,positive\n");
    CliTest.Run r = run("evaluate", model.toString(), model.toString(), "--data", data.toString());
    assertBadInput(r, tmp.resolve("classes.txt").toString());
  }
}
