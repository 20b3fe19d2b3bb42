package dev.infercost.base;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * Strict JSON reading for the files infercost reads (hardware catalogs, bench results): duplicate
 * keys and content after the document are refused, so a file never means something other than what
 * it says; and one way of reporting a syntax error on one line, with its line and column.
 *
 * <pre>{@code
 * JsonNode root;
 * try {
 *   root = StrictJson.reader().readTree(bytes);   // MissingNode for an empty file
 * } catch (JsonProcessingException e) {
 *   throw new CatalogException(StrictJson.notValid(file, e) + "; fix the syntax", e);
 * }
 * }</pre>
 */
public final class StrictJson {
  private static final ObjectReader READER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build()
          .reader();

  private StrictJson() {}

  /**
   * The strict reader: duplicate keys and trailing tokens fail. Immutable; add features with {@code
   * with(...)}, e.g. {@code reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)}.
   */
  public static ObjectReader reader() {
    return READER;
  }

  /**
   * {@code "<file>: not valid JSON at line L, column C: <reason>"}, one line; the location is left
   * out when the parser gives none.
   */
  public static String notValid(String file, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return file + ": not valid JSON" + where + ": " + reason(e);
  }

  /**
   * The parser's reason without its location: the message on one line, less the {@code [Source:
   * ...]} parts that repeat the line and column.
   */
  public static String reason(JsonProcessingException e) {
    String m = OneLine.joined(e.getOriginalMessage());
    m =
        m.replaceAll("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)", "")
            .replaceAll("\\s*\\[Source:[^\\]]*\\]", "")
            .strip();
    return m.isEmpty() ? "syntax error" : m;
  }
}
