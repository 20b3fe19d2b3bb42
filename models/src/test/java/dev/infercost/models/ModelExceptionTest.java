package dev.infercost.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtException;
import dev.infercost.base.InfercostException;
import dev.infercost.base.OneLine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ModelExceptionTest {
  @Test
  void ofNamesTheFile() {
    ModelException e = ModelException.of(Path.of("a/b.onnx"), "is broken");
    assertEquals("a/b.onnx: is broken", e.getMessage());
    assertTrue(e instanceof InfercostException);
    RuntimeException cause = new RuntimeException("x");
    assertSame(cause, ModelException.of(Path.of("f"), "p", cause).getCause());
  }

  @Test
  void wrapKeepsTheFirstLineOfAnOrtMessage() {
    OrtException ort = new OrtException("first line\nsecond line");
    ModelException e = Models.wrap(Path.of("m.onnx"), "running", ort);
    assertEquals("m.onnx: running failed in ONNX Runtime: first line", e.getMessage());
    assertSame(ort, e.getCause());
  }

  @Test
  void wrapDropsTheErrorCodeAndOrtsSourceLocation() {
    // ONNX Runtime 1.23's words for an Add that cannot broadcast (an export valid up to 64 tokens
    // run at 128).
    OrtException ort =
        new OrtException(
            "Error code - ORT_RUNTIME_EXCEPTION - message: Non-zero status code returned while"
                + " running Add node. Name:'/Add' Status Message:"
                + " /onnxruntime_src/onnxruntime/core/providers/cpu/math/element_wise_ops.h:560"
                + " void onnxruntime::BroadcastIterator::Append(ptrdiff_t, ptrdiff_t) axis == 1 ||"
                + " axis == largest was false. Attempting to broadcast an axis by a dimension other"
                + " than 1. 64 by 128\n");
    assertEquals(
        "Non-zero status code returned while running Add node. Name:'/Add' Status Message:"
            + " Attempting to broadcast an axis by a dimension other than 1. 64 by 128",
        Models.reason(ort));
    assertEquals("no location here", Models.reason(new OrtException("no location here")));
    // A Windows build's path.
    assertEquals(
        "Status Message: Attempting to broadcast",
        Models.reason(
            new OrtException(
                "Status Message: D:\\a\\_work\\onnxruntime\\core\\element_wise_ops.h:560 void"
                    + " f(int) x == 1 was false. Attempting to broadcast")));
  }

  @Test
  void messagesAreOneLineWhateverTheyEcho() {
    ModelException e =
        ModelException.of(Path.of("m.onnx"), "tensor 'a\nb\r\tc\u2028d\u0000e\u0085' is bad\n");
    assertEquals("m.onnx: tensor 'a\\nb\\r\\tc\\u2028d\\u0000e\\u0085' is bad", e.getMessage());
    assertEquals("x\\ny", new ModelException("x\ny", new RuntimeException()).getMessage());
    assertEquals("plain: ü → ok", OneLine.of("plain: ü → ok"));
    assertNull(new ModelException(null).getMessage());
  }
}
