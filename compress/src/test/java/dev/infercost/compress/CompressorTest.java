package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import dev.infercost.models.ModelFormat;
import dev.infercost.models.Models;
import dev.infercost.models.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompressorTest {
  @TempDir Path tmp;

  @Test
  void sameInputAndOptionsGiveTheSameBytesAndTheInputIsUntouched() throws Exception {
    Path input = Models.resolve("digits-mlp", ModelFormat.ONNX);
    byte[] before = Files.readAllBytes(input);
    QuantOptions o = new QuantOptions(NodeFilter.all(), true, true, true, 0);
    Path a = tmp.resolve("a.onnx");
    Path b = tmp.resolve("b.onnx");
    Models.saveOnnx(Compressor.quantizeDynamic(Models.loadOnnx(input), o, List.of()).model(), a);
    Models.saveOnnx(Compressor.quantizeDynamic(Models.loadOnnx(input), o, List.of()).model(), b);
    assertEquals(-1, Files.mismatch(a, b), "byte-identical outputs");
    assertArrayEquals(before, Files.readAllBytes(input), "input unchanged");
  }

  @Test
  void anIncludeEntryThatMatchesNoNodeIsRefusedInsteadOfQuantizingNothing() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-mlp", ModelFormat.ONNX));
    for (String entry : List.of("NoSuchNode", "re:^nowhere$")) {
      QuantOptions o =
          new QuantOptions(new NodeFilter(List.of(entry), List.of()), true, true, true, 0);
      CompressException e =
          assertThrows(CompressException.class, () -> Compressor.quantizeDynamic(m, o, List.of()));
      assertTrue(
          e.getMessage().contains("include entry '" + entry + "' matches no node"), e.getMessage());
    }
    QuantOptions gemm =
        new QuantOptions(new NodeFilter(List.of("Gemm"), List.of()), true, true, true, 0);
    assertTrue(Compressor.quantizeDynamic(m, gemm, List.of()).passes().size() > 0);
  }

  @Test
  void recordsProvenanceInTheModel() throws Exception {
    OnnxModel m = Models.loadOnnx(Models.resolve("digits-cnn", ModelFormat.ONNX));
    CompressResult r =
        Compressor.quantizeDynamic(
            m, new QuantOptions(NodeFilter.all(), true, true, true, 0), List.of());
    Map<String, String> meta =
        r.model().proto().getMetadataPropsList().stream()
            .collect(
                Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
    assertEquals(64, meta.get("infercost.source_sha256").length());
    assertEquals(
        "canonicalize,int8-dynamic-matmul,int8-dynamic-attention,int8-dynamic-lstm,int8-gather-weights",
        meta.get("infercost.passes"));
    assertEquals("true", meta.get("infercost.option.reduced_range"));
    assertTrue(meta.containsKey("infercost.onnxruntime"));
    // The CNN's two Gemms are quantized; its Convs are not MatMuls and stay float.
    assertEquals(2, r.passes().get(1).rewritten().size());
    ModelProto p = r.model().proto();
    assertTrue(p.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Conv")));
  }
}
