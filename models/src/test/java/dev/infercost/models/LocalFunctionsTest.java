package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.FunctionProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Expanding model-local functions, checked against ONNX Runtime running the functions itself. */
class LocalFunctionsTest {
  private static final String DOMAIN = "torch.nn.modules.linear";
  private static final long[] X_SHAPE = {2, 3};

  private static OperatorSetIdProto opset(String domain, long version) {
    return OperatorSetIdProto.newBuilder().setDomain(domain).setVersion(version).build();
  }

  private static AttributeProto floatAttr(String name, float v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.FLOAT)
        .setF(v)
        .build();
  }

  /**
   * {@code Linear(x, w, b) = LeakyRelu(MatMul(x, w) + b, alpha = the call's alpha, default 0.1)}:
   * the form PyTorch's exporter writes with {@code export_modules_as_functions}, plus an attribute
   * reference.
   */
  private static FunctionProto linear(long opsetVersion) {
    NodeProto act =
        NodeProto.newBuilder()
            .setOpType("LeakyRelu")
            .setName("act")
            .addInput("s")
            .addOutput("y")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("alpha")
                    .setType(AttributeProto.AttributeType.FLOAT)
                    .setRefAttrName("alpha"))
            .build();
    return FunctionProto.newBuilder()
        .setName("Linear")
        .setDomain(DOMAIN)
        .addInput("x")
        .addInput("w")
        .addInput("b")
        .addOutput("y")
        .addAttributeProto(floatAttr("alpha", 0.1f))
        .addNode(TestModels.node("MatMul", "mm", List.of("x", "w"), List.of("t")))
        .addNode(TestModels.node("Add", "add", List.of("t", "b"), List.of("s")))
        .addNode(act)
        .addOpsetImport(opset("", opsetVersion))
        .build();
  }

  /** x → Linear(W1, B1, alpha 0.3) → Linear(W2, B2, default alpha) → y, both functions. */
  private static ModelProto twoCalls(FunctionProto f) {
    GraphProto.Builder g =
        GraphProto.newBuilder()
            .setName("g")
            .addInput(TestModels.floatInput("x", 2L, 3L))
            .addOutput(TestModels.floatInput("y", 2L, 2L))
            .addInitializer(
                TestModels.floatTensor(
                    "W1",
                    new long[] {3, 4},
                    new float[] {1, -2, 3, 0.5f, -1, 2, 0, 1, 2, 1, -3, 1}))
            .addInitializer(
                TestModels.floatTensor("B1", new long[] {4}, new float[] {0.1f, -0.2f, 0, 1}))
            .addInitializer(
                TestModels.floatTensor(
                    "W2", new long[] {4, 2}, new float[] {1, 0.5f, -1, 2, 0.25f, -1, 2, 1}))
            .addInitializer(TestModels.floatTensor("B2", new long[] {2}, new float[] {0.5f, -1}))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Linear")
                    .setDomain(DOMAIN)
                    .setName("fc1")
                    .addAllInput(List.of("x", "W1", "B1"))
                    .addOutput("h")
                    .addAttribute(floatAttr("alpha", 0.3f)))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Linear")
                    .setDomain(DOMAIN)
                    .setName("fc2")
                    .addAllInput(List.of("h", "W2", "B2"))
                    .addOutput("y"));
    return TestModels.model(g).toBuilder().addOpsetImport(opset(DOMAIN, 1)).addFunctions(f).build();
  }

  private static float[] run(ModelProto m) throws Exception {
    float[] x = {0.5f, -1, 2, -0.25f, 3, -2};
    return TestModels.runOrt(m.toByteArray(), "x", X_SHAPE, x);
  }

  @Test
  void callsBecomeTheirBodiesAndComputeWhatOnnxRuntimeComputes() throws Exception {
    ModelProto m = twoCalls(linear(TestModels.OPSET));
    LocalFunctions.Expanded e = LocalFunctions.expand(m);
    ModelProto x = e.model();
    assertEquals(Map.of(DOMAIN + "::Linear", 2), e.calls());
    assertEquals(List.of(), e.kept());
    assertEquals(0, x.getFunctionsCount());
    assertEquals(List.of(""), x.getOpsetImportList().stream().map(o -> o.getDomain()).toList());
    assertEquals(
        List.of("MatMul", "Add", "LeakyRelu", "MatMul", "Add", "LeakyRelu"),
        x.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    // the call's alpha, then the function's default
    assertEquals(0.3f, x.getGraph().getNode(2).getAttribute(0).getF());
    assertEquals(0.1f, x.getGraph().getNode(5).getAttribute(0).getF());
    assertEquals("", x.getGraph().getNode(5).getAttribute(0).getRefAttrName());
    Set<String> produced = new HashSet<>();
    for (NodeProto n : x.getGraph().getNodeList()) {
      for (String o : n.getOutputList()) {
        assertTrue(produced.add(o), "produced twice: " + o);
      }
    }
    assertArrayEquals(run(m), run(x), 0f);
  }

  @Test
  void callsInsideFunctionsAndBranchesAreExpandedToo() throws Exception {
    FunctionProto inner = linear(TestModels.OPSET);
    FunctionProto outer =
        FunctionProto.newBuilder()
            .setName("Twice")
            .setDomain("blocks")
            .addAllInput(List.of("x", "w1", "b1", "w2", "b2"))
            .addOutput("y")
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Linear")
                    .setDomain(DOMAIN)
                    .addAllInput(List.of("x", "w1", "b1"))
                    .addOutput("h"))
            .addNode(
                NodeProto.newBuilder()
                    .setOpType("Linear")
                    .setDomain(DOMAIN)
                    .addAllInput(List.of("h", "w2", "b2"))
                    .addOutput("y"))
            .addOpsetImport(opset(DOMAIN, 1))
            .addOpsetImport(opset("", TestModels.OPSET))
            .build();
    ModelProto flat = twoCalls(inner);
    GraphProto.Builder g = flat.getGraph().toBuilder().clearNode();
    g.addNode(
        NodeProto.newBuilder()
            .setOpType("Twice")
            .setDomain("blocks")
            .setName("block")
            .addAllInput(List.of("x", "W1", "B1", "W2", "B2"))
            .addOutput("y"));
    ModelProto m =
        flat.toBuilder().setGraph(g).addOpsetImport(opset("blocks", 1)).addFunctions(outer).build();
    LocalFunctions.Expanded e = LocalFunctions.expand(m);
    assertEquals(Map.of(DOMAIN + "::Linear", 2, "blocks::Twice", 1), e.calls());
    assertEquals(0, e.model().getFunctionsCount());
    assertEquals(6, e.model().getGraph().getNodeCount());
    assertArrayEquals(run(m), run(e.model()), 0f);
  }

  @Test
  void aFunctionOnAnotherOpsetStaysWithTheReason() {
    ModelProto m = twoCalls(linear(TestModels.OPSET - 1));
    LocalFunctions.Expanded e = LocalFunctions.expand(m);
    assertEquals(Map.of(), e.calls());
    assertEquals(
        List.of(DOMAIN + "::Linear: its body imports opset 12 of '', the model 13"), e.kept());
    assertEquals(1, e.model().getFunctionsCount());
    assertTrue(e.model().getOpsetImportList().stream().anyMatch(o -> o.getDomain().equals(DOMAIN)));
  }

  @Test
  void aFunctionThatReturnsAnInputStays() {
    FunctionProto f =
        linear(TestModels.OPSET).toBuilder().clearOutput().addOutput("y").addOutput("x").build();
    LocalFunctions.Expanded e = LocalFunctions.expand(twoCalls(f));
    assertEquals(Map.of(), e.calls());
    assertEquals(
        List.of(DOMAIN + "::Linear: its output 'x' is one of its inputs or listed twice"),
        e.kept());
  }

  @Test
  void aModelWithoutFunctionsComesBackAsItIs() {
    ModelProto m = TestModels.matmulAdd();
    assertSame(m, LocalFunctions.expand(m).model());
  }

  @Test
  void modelInfoCountsTheBodiesAndListsTheCalls() {
    ModelInfo i = OnnxModel.of(twoCalls(linear(TestModels.OPSET))).info(Map.of());
    assertEquals(Map.of(DOMAIN + "::Linear", 2), i.functionCalls());
    assertEquals(6, i.nodes());
    assertEquals(2 * 3 * 4 + 2 * 4 * 2, i.macs());
  }
}
