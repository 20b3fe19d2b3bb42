package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InfercostExceptionTest {
  @Test
  void carriesNoHintUnlessGiven() {
    assertEquals(Optional.empty(), new InfercostException("m").hint());
    assertEquals(Optional.empty(), new InfercostException("m", new IOException("x")).hint());
    assertEquals(Optional.empty(), new InfercostException("m", (Parameter) null).hint());
  }

  @Test
  void carriesTheGivenHint() {
    InfercostException e =
        new InfercostException("x.onnx: pass evaluation data", Parameter.EVAL_DATA);
    assertEquals(Optional.of(Parameter.EVAL_DATA), e.hint());
    assertEquals("x.onnx: pass evaluation data", e.getMessage());
  }

  @Test
  void aWrapperWithoutHintTakesItsCausesHint() {
    InfercostException cause = new InfercostException("no tokenizer", Parameter.TOKENIZER);
    assertEquals(Optional.of(Parameter.TOKENIZER), new InfercostException("m", cause).hint());
    assertEquals(
        Optional.of(Parameter.DEVICE),
        new InfercostException("m", Parameter.DEVICE, cause).hint(),
        "its own hint wins");
  }

  @Test
  void messageStaysOneLine() {
    assertEquals(
        "a\\nb", new InfercostException("a\nb", Parameter.SHAPES, new IOException()).getMessage());
  }
}
