package dev.infercost.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.base.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;

/**
 * Checks a HuggingFace {@code tokenizer.json} before the native tokenizers library (through DJL)
 * reads it. That library aborts the whole JVM on some malformed files: a syntax error inside {@code
 * "decoder"}, {@code "normalizer"} and the like is a Rust panic, not an error (found by {@code
 * EvalDataFuzzTest#tokenizer}). So the file must be strict JSON that its JSON parser also takes: an
 * object with a {@code "model"} object, nested at most {@link #MAX_DEPTH} deep, with finite numbers
 * and no unpaired UTF-16 surrogates in strings.
 */
final class TokenizerFile {
  /** serde_json, which the native library uses, refuses documents nested deeper than 128. */
  static final int MAX_DEPTH = 100;

  private TokenizerFile() {}

  static void check(Path file) throws DataException {
    JsonNode root;
    try {
      root = StrictJson.reader().readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw DataException.of(
          file, StrictJson.notValid("tokenizer", e) + "; pass a HuggingFace tokenizer.json");
    } catch (IOException e) {
      throw DataException.of(file, "cannot read: " + e.getMessage());
    }
    if (root == null || !root.isObject() || !root.path("model").isObject()) {
      throw DataException.of(
          file, "is not a HuggingFace tokenizer.json (no \"model\" object); pass one");
    }
    String bad = firstProblem(root, 0);
    if (bad != null) {
      throw DataException.of(
          file, "is not a tokenizer.json the tokenizers library can read: " + bad);
    }
  }

  /** What the native parser would refuse in {@code n}, or null. */
  private static String firstProblem(JsonNode n, int depth) {
    if (depth > MAX_DEPTH) {
      return "nested more than " + MAX_DEPTH + " deep";
    }
    if (n.isTextual() && !wellFormed(n.textValue())) {
      return "a string holds an unpaired UTF-16 surrogate";
    }
    if (n.isNumber() && !Double.isFinite(n.doubleValue())) {
      return "number " + n.asText() + " is out of range";
    }
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!wellFormed(e.getKey())) {
          return "a key holds an unpaired UTF-16 surrogate";
        }
        String p = firstProblem(e.getValue(), depth + 1);
        if (p != null) {
          return p;
        }
      }
    }
    if (n.isArray()) {
      for (JsonNode e : n) {
        String p = firstProblem(e, depth + 1);
        if (p != null) {
          return p;
        }
      }
    }
    return null;
  }

  private static boolean wellFormed(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }
}
