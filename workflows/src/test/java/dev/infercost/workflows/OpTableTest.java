package dev.infercost.workflows;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpTableTest {
  @TempDir Path tmp;

  private static NodeProto node(String op, String name, String in, String out) {
    return NodeProto.newBuilder().setOpType(op).setName(name).addInput(in).addOutput(out).build();
  }

  private static ValueInfoProto value(String name) {
    TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(1);
    for (long d : new long[] {1, 2, 4, 4}) {
      t.getShapeBuilder().addDimBuilder().setDimValue(d);
    }
    return ValueInfoProto.newBuilder()
        .setName(name)
        .setType(TypeProto.newBuilder().setTensorType(t))
        .build();
  }

  /** A fold names its nodes joined by '+': each counts as rewritten under its own op type. */
  @Test
  void aFoldCountsEachNodeItRemovedUnderItsOpType() throws Exception {
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(value("x"))
            .addOutput(value("y"))
            .addNode(node("Conv", "conv", "x", "c"))
            .addNode(node("Mul", "scale", "c", "m"))
            .addNode(node("Add", "shift", "m", "a"))
            .addNode(node("Mul", "gate", "a", "y"))
            .build();
    Path model = write(g, "m.onnx");
    List<OpTable.Row> rows =
        OpTable.of(
            model,
            List.of(
                new CompressReport.PassSummary(
                    "fold-affine", 1, List.of("conv+scale+shift"), List.of(), List.of()),
                new CompressReport.PassSummary(
                    "int8-static", 1, List.of("conv"), List.of(), List.of())));
    Map<String, List<Integer>> byOp =
        rows.stream()
            .collect(
                Collectors.toMap(
                    OpTable.Row::opType, r -> List.of(r.nodes(), r.rewritten(), r.leftAsIs())));
    assertEquals(
        Map.of("Conv", List.of(1, 1, 0), "Mul", List.of(2, 1, 1), "Add", List.of(1, 1, 0)), byOp);
  }

  /** Nodes inside If branches are counted, and those no pass looked at are told apart. */
  @Test
  void nodesInsideBranchesAreCountedWithTheirOwnReason() throws Exception {
    GraphProto then =
        GraphProto.newBuilder()
            .addOutput(value("t"))
            .addNode(node("Conv", "branch_conv", "x", "t"))
            .build();
    GraphProto otherwise =
        GraphProto.newBuilder()
            .addOutput(value("e"))
            .addNode(node("LSTM", "branch_lstm", "x", "e"))
            .build();
    NodeProto branch =
        node("If", "if", "c", "b").toBuilder()
            .addAttribute(OpCorpus.g("then_branch", then))
            .addAttribute(OpCorpus.g("else_branch", otherwise))
            .build();
    GraphProto g =
        GraphProto.newBuilder()
            .addInput(value("x"))
            .addInput(value("c"))
            .addOutput(value("y"))
            .addNode(node("Conv", "conv", "x", "a"))
            .addNode(branch)
            .addNode(node("Add", "add", "b", "y"))
            .build();
    Path model = write(g, "branches.onnx");
    List<OpTable.Row> rows =
        OpTable.of(
            model,
            List.of(
                new CompressReport.PassSummary(
                    "int8-dynamic-lstm", 1, List.of("branch_lstm"), List.of(), List.of())));
    Map<String, OpTable.Row> byOp =
        rows.stream().collect(Collectors.toMap(OpTable.Row::opType, r -> r));
    assertEquals(List.of(1, 1, 0), counts(byOp.get("LSTM")));
    assertEquals(List.of(2, 0, 2), counts(byOp.get("Conv")));
    assertEquals(
        Map.of(OpTable.NOT_LOOKED_AT, 1, OpTable.NOT_LOOKED_AT_IN_BODIES, 1),
        byOp.get("Conv").reasons());
  }

  private Path write(GraphProto g, String name) throws Exception {
    Path model = tmp.resolve(name);
    Files.write(
        model,
        ModelProto.newBuilder()
            .setIrVersion(8)
            .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
            .setGraph(g)
            .build()
            .toByteArray());
    return model;
  }

  private static List<Integer> counts(OpTable.Row r) {
    return List.of(r.nodes(), r.rewritten(), r.leftAsIs());
  }
}
