package dev.infercost.compress;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeFilterTest {
  private static final NodeProto QUERY =
      NodeProto.newBuilder().setName("/layer.0/query/MatMul").setOpType("MatMul").build();
  private static final NodeProto GATHER =
      NodeProto.newBuilder().setName("emb").setOpType("Gather").build();

  @Test
  void emptyIncludesEverything() {
    assertTrue(NodeFilter.all().accepts(QUERY));
    assertTrue(NodeFilter.all().accepts(GATHER));
  }

  @Test
  void matchesNameOpTypeAndRegex() {
    assertTrue(new NodeFilter(List.of("emb"), List.of()).accepts(GATHER));
    assertFalse(new NodeFilter(List.of("emb"), List.of()).accepts(QUERY));
    assertTrue(new NodeFilter(List.of("MatMul"), List.of()).accepts(QUERY));
    assertTrue(new NodeFilter(List.of("re:layer\\.0/"), List.of()).accepts(QUERY));
    assertFalse(new NodeFilter(List.of("re:layer\\.1/"), List.of()).accepts(QUERY));
  }

  @Test
  void aNodeWithoutANameIsMatchedAsReportsNameIt() {
    NodeProto unnamed = NodeProto.newBuilder().setOpType("Concat").addOutput("c:0").build();
    assertTrue(new NodeFilter(List.of("Concat->c:0"), List.of()).accepts(unnamed));
    assertFalse(NodeFilter.all().excluding(List.of("Concat->c:0")).accepts(unnamed));
    assertFalse(new NodeFilter(List.of("Concat->d:0"), List.of()).accepts(unnamed));
  }

  @Test
  void anIncludedLabelMayNameTheValueAFoldedChainWrites() throws Exception {
    // An unnamed Conv → Mul: after fold-affine the Conv writes m, and reports call it Conv->m.
    var g =
        ai.onnx.proto.OnnxMl.GraphProto.newBuilder()
            .addNode(Tiny.node("Conv", "", List.of("x", "W"), List.of("c")))
            .addNode(Tiny.node("Mul", "", List.of("c", "k"), List.of("m")))
            .build();
    var model = dev.infercost.models.OnnxModel.of(Tiny.model(g));
    new NodeFilter(List.of("Conv->m"), List.of()).checkIncludes(model);
    assertThrows(
        CompressException.class,
        () -> new NodeFilter(List.of("Conv->nowhere"), List.of()).checkIncludes(model));
  }

  @Test
  void excludeWinsOverInclude() {
    NodeFilter f = new NodeFilter(List.of("MatMul"), List.of("re:query"));
    assertFalse(f.accepts(QUERY));
    assertFalse(NodeFilter.all().excluding(List.of("Gather")).accepts(GATHER));
  }

  @Test
  void badRegexIsRefusedUpFront() {
    assertThrows(IllegalArgumentException.class, () -> new NodeFilter(List.of("re:("), List.of()));
  }
}
