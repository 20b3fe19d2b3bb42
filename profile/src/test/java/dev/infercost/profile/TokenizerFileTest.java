package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.TensorSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Malformed tokenizer.json files are refused in one line before the native tokenizers library sees
 * them; some of them (a syntax error inside "decoder") abort the JVM there.
 */
class TokenizerFileTest {
  private static final String WORDS =
      "\"pre_tokenizer\": {\"type\": \"Whitespace\"},"
          + " \"model\": {\"type\": \"WordLevel\", \"unk_token\": \"[UNK]\","
          + " \"vocab\": {\"[UNK]\": 0, \"hello\": 1, \"world\": 2}}";

  private static final List<TensorSpec> IDS =
      List.of(
          new TensorSpec(
              "input_ids", DType.INT64, List.of(Dim.symbolic("N"), Dim.symbolic("T")), true));

  @TempDir Path tmp;

  private EvalData load(String tokenizerJson) throws Exception {
    Path tok = Files.writeString(tmp.resolve("tokenizer.json"), tokenizerJson);
    Path text = Files.writeString(tmp.resolve("data.txt"), "hello world\n");
    return EvalData.load(text, IDS, Optional.of(tok));
  }

  private void refused(String tokenizerJson, String mention) {
    DataException e = assertThrows(DataException.class, () -> load(tokenizerJson));
    assertTrue(e.getMessage().contains(mention), e.getMessage());
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @Test
  void aValidTokenizerLoads() {
    assertDoesNotThrow(() -> load("{\"decoder\": null, " + WORDS + "}"));
  }

  @Test
  void aSyntaxErrorInsideTheDecoderIsRefusedNotAnAbort() {
    refused("{\"decoder\":_processor\": null, " + WORDS + "}", "not valid JSON at line 1");
  }

  @Test
  void whatTheNativeParserRefusesIsRefusedFirst() {
    refused("{\"decoder\": \"\\ud800\", " + WORDS + "}", "unpaired UTF-16 surrogate");
    refused("{\"decoder\": 1e400, " + WORDS + "}", "out of range");
    refused("{\"decoder\": " + "[".repeat(150) + "]".repeat(150) + ", " + WORDS + "}", "deep");
    refused("[1, 2]", "no \"model\" object");
  }
}
