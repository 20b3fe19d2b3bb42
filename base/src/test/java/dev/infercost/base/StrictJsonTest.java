package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StrictJsonTest {
  private static JsonProcessingException fails(String json) {
    return assertThrows(
        JsonProcessingException.class,
        () -> StrictJson.reader().readTree(json.getBytes(StandardCharsets.UTF_8)));
  }

  private static String message(String json) {
    return StrictJson.notValid("f.json", fails(json));
  }

  @Test
  void readsValidJsonAndAnEmptyFileAsMissing() throws Exception {
    assertEquals(2, StrictJson.reader().readTree("{\"a\": 1, \"b\": [2]}".getBytes()).size());
    assertTrue(StrictJson.reader().readTree(new byte[0]).isMissingNode());
  }

  @Test
  void refusesDuplicateKeysAndTrailingContent() {
    String dup = message("{\"schema\": 1, \"schema\": 1}");
    assertTrue(dup.startsWith("f.json: not valid JSON at line 1, column "), dup);
    assertTrue(dup.contains("schema"), dup);
    assertTrue(message("{} {}").startsWith("f.json: not valid JSON"));
    assertTrue(message("{\"a\": 1}\n}").startsWith("f.json: not valid JSON at line 2"));
  }

  @Test
  void aSyntaxErrorIsOneLineWithItsLocationOnce() {
    String m = message("{\"entries\": [\n  {\"a\": 1},\n");
    assertTrue(m.startsWith("f.json: not valid JSON at line "), m);
    assertFalse(m.contains("\n") || m.contains("\r"), m);
    assertFalse(m.contains("[Source:"), m);
    assertFalse(m.contains("start marker"), m);
  }

  @Test
  void readerTakesMoreFeaturesWithoutChangingTheShared() throws Exception {
    var big = StrictJson.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    assertTrue(big.readTree("{\"x\": 0.1}".getBytes()).get("x").isBigDecimal());
    assertFalse(StrictJson.reader().readTree("{\"x\": 0.1}".getBytes()).get("x").isBigDecimal());
    assertThrows(
        JsonProcessingException.class, () -> big.readTree("{\"x\": 1, \"x\": 2}".getBytes()));
  }
}
