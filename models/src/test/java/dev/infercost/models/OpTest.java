package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link Op}: lookup by op type and the facts the passes and shape inference rely on. */
class OpTest {
  @Test
  void everyEntryIsFoundByItsType() {
    for (Op op : Op.values()) {
      assertSame(op, Op.of(op.type()));
      assertTrue(op.is(op.type()));
    }
    assertNull(Op.of("NoSuchOp"));
    assertNull(Op.of("matmul")); // op types are case-sensitive
  }

  @Test
  void weightsAreTheQuantizableInputs() {
    assertEquals(1, Op.MATMUL.weightInput());
    assertEquals(1, Op.GEMM.weightInput());
    assertEquals(1, Op.CONV.weightInput());
    assertEquals(0, Op.GATHER.weightInput());
    // Already-integer products carry no float weight a pass would quantize again.
    assertEquals(-1, Op.MATMUL_INTEGER.weightInput());
    assertEquals(-1, Op.ADD.weightInput());
  }

  @Test
  void macOpsNameTheirRightHandOperand() {
    for (Op op : Op.values()) {
      assertEquals(op.has(Op.Trait.MACS), op.rhsInput() >= 0, op.type());
      if (op.has(Op.Trait.INTEGER_MACS)) {
        assertTrue(op.has(Op.Trait.MACS), op.type());
      }
    }
    assertEquals(3, Op.QLINEAR_MATMUL.rhsInput());
    assertEquals(3, Op.QLINEAR_CONV.rhsInput());
    assertEquals(Op.ShapeRule.CONV, Op.CONV_INTEGER.shapeRule());
    assertFalse(Op.MATMUL.has(Op.Trait.INTEGER_MACS));
  }

  @Test
  void float16Facts() {
    assertTrue(Op.QUANTIZE_LINEAR.has(Op.Trait.NO_FP16));
    assertTrue(Op.MATMUL.has(Op.Trait.HEAVY));
    assertFalse(Op.ADD.has(Op.Trait.HEAVY));
    assertEquals(Set.of(2), Op.RESIZE.alwaysFloatInputs());
    assertEquals(Set.of(0), Op.CAST.anyTypeInputs());
    assertEquals(Set.of(), Op.MATMUL.anyTypeInputs());
  }

  @Test
  void attributesThatBecameInputs() {
    assertEquals(new Op.AttributeInput("axes", 1, 13), Op.UNSQUEEZE.attributeInput());
    assertEquals(new Op.AttributeInput("split", 1, 13), Op.SPLIT.attributeInput());
    assertEquals(18, Op.REDUCE_MEAN.attributeInput().since());
    assertNull(Op.MATMUL.attributeInput());
    assertTrue(Op.SOFTMAX.has(Op.Trait.AXIS_FLATTENS_BEFORE_13));
  }

  @Test
  void countsNodesOfSomeOps() {
    Map<String, Integer> ops = Map.of("QuantizeLinear", 3, "DequantizeLinear", 5, "MatMul", 7);
    assertEquals(8, Op.count(ops, Op.QUANTIZE_LINEAR, Op.DEQUANTIZE_LINEAR));
    assertEquals(0, Op.count(ops, Op.CONV));
  }

  @Test
  void defaultDomain() {
    assertTrue(Op.defaultDomain(""));
    assertTrue(Op.defaultDomain("ai.onnx"));
    assertFalse(Op.defaultDomain("com.microsoft"));
  }

  @Test
  void nodeBuilderSetsTypeAndName() {
    var n = Op.CAST.node("c").build();
    assertEquals("Cast", n.getOpType());
    assertEquals("c", n.getName());
  }
}
