package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import org.junit.jupiter.api.Test;

class DTypeTest {
  @Test
  void onnxCodesRoundTrip() {
    for (DType t : DType.values()) {
      if (t != DType.OTHER) {
        assertEquals(t, DType.fromOnnx(t.onnx().getNumber()), t.label());
      }
    }
  }

  @Test
  void unknownCodesAreOther() {
    assertEquals(DType.OTHER, DType.fromOnnx(DataType.UNDEFINED_VALUE));
    assertEquals(DType.OTHER, DType.fromOnnx(DataType.COMPLEX64_VALUE));
    assertEquals(DType.OTHER, DType.fromOnnx(9999));
  }

  @Test
  void sizesAndLabels() {
    assertEquals(4, DType.FLOAT32.bytes());
    assertEquals(2, DType.FLOAT16.bytes());
    assertEquals(2, DType.BFLOAT16.bytes());
    assertEquals(8, DType.FLOAT64.bytes());
    assertEquals(8, DType.INT64.bytes());
    assertEquals(1, DType.BOOL.bytes());
    assertEquals(0, DType.STRING.bytes());
    assertEquals("float32", DType.FLOAT32.label());
    assertEquals("int64", DType.INT64.toString());
  }
}
