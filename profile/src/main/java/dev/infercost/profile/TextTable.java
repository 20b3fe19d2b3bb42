package dev.infercost.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.infercost.base.OneLine;
import dev.infercost.base.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sentences in a table, with labels or a second text: CSV or TSV with a header row (RFC 4180
 * quoting: a quoted cell may hold the separator, doubled quotes and line breaks), or JSON Lines
 * (one object per line, as HuggingFace datasets write them). A row's text is its first column (or
 * key) named {@code text}, {@code sentence}, {@code sentence1}, {@code premise}, {@code query} or
 * {@code question}; its second text, which a cross-encoder or an NLI model reads after the first,
 * the column named {@code text_pair}, {@code sentence2}, {@code hypothesis}, {@code passage} or
 * {@code context}, else a second column of the first kind (GLUE's QNLI: question, sentence); its
 * label the column {@code label}. Other columns are ignored.
 */
final class TextTable {
  private TextTable() {}

  static final List<String> TEXT =
      List.of("text", "sentence", "sentence1", "premise", "query", "question");
  static final List<String> PAIR =
      List.of("text_pair", "sentence2", "hypothesis", "passage", "context");
  static final String LABEL = "label";

  /**
   * One row.
   *
   * @param line the line it starts on (from 1)
   * @param pair the second text, or null
   * @param label the label as written, or null
   */
  record Row(int line, String text, String pair, String label) {}

  /** Whether {@code csv}'s header names a text column: it is sentences, not numbers. */
  static boolean namesText(Path csv) throws DataException {
    String header;
    try (java.io.BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      header = r.readLine();
    } catch (IOException e) {
      return false;
    }
    if (header == null) {
      return false;
    }
    List<Record> records = records(csv, header.replace("\uFEFF", ""), ',', 1);
    return !records.isEmpty() && columns(records.get(0).cells()).text() >= 0;
  }

  /** The rows of a {@code .csv}, {@code .tsv} or {@code .jsonl} file. */
  static List<Row> read(Path file) throws DataException {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".jsonl") ? jsonLines(file) : table(file, name.endsWith(".tsv"));
  }

  /** Which cells hold the text, the second text and the label (-1: none). */
  private record Columns(int text, int pair, int label) {}

  private static Columns columns(List<String> header) {
    int text = -1;
    int pair = -1;
    int second = -1;
    int label = -1;
    for (int i = 0; i < header.size(); i++) {
      String h = header.get(i).strip().toLowerCase(Locale.ROOT);
      if (TEXT.contains(h)) {
        if (text < 0) {
          text = i;
        } else if (second < 0) {
          second = i;
        }
      } else if (PAIR.contains(h) && pair < 0) {
        pair = i;
      } else if (h.equals(LABEL) && label < 0) {
        label = i;
      }
    }
    return new Columns(text, pair >= 0 ? pair : second, label);
  }

  private static List<Row> table(Path file, boolean tabs) throws DataException {
    List<Record> records = records(file, content(file), tabs ? '\t' : ',', Integer.MAX_VALUE);
    if (records.size() < 2) {
      throw DataException.of(file, "needs a header row and at least one row of text");
    }
    List<String> header = records.get(0).cells();
    Columns c = columns(header);
    if (c.text() < 0) {
      throw DataException.of(
          file,
          "the header ("
              + OneLine.of(String.join(tabs ? " | " : ",", header))
              + ") names no text column; name it one of "
              + String.join(", ", TEXT));
    }
    List<Row> rows = new ArrayList<>();
    for (Record r : records.subList(1, records.size())) {
      if (r.cells().size() != header.size()) {
        throw DataException.of(
            file,
            "line "
                + r.line()
                + " has "
                + r.cells().size()
                + " columns; the header has "
                + header.size()
                + (tabs ? "" : " (quote a text that holds a comma: \"a, b\")"));
      }
      rows.add(row(file, r.line(), r.cells(), c));
    }
    return rows;
  }

  private static Row row(Path file, int line, List<String> cells, Columns c) throws DataException {
    String text = cells.get(c.text());
    String pair = c.pair() >= 0 ? cells.get(c.pair()) : null;
    String label = c.label() >= 0 ? cells.get(c.label()).strip() : null;
    if (text.isBlank() || pair != null && pair.isBlank()) {
      throw DataException.of(file, "line " + line + " has an empty text; give one or drop the row");
    }
    if (label != null && label.isEmpty()) {
      throw DataException.of(file, "line " + line + " has no label; label every row or none");
    }
    return new Row(line, text, pair, label);
  }

  /**
   * JSON Lines: the keys are found per line, and every line must hold the same parts (a second
   * text, a label) as the first; a null counts as absent.
   */
  private static List<Row> jsonLines(Path file) throws DataException {
    List<Row> rows = new ArrayList<>();
    String[] lines = content(file).split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) {
        continue;
      }
      int line = i + 1;
      JsonNode o;
      try {
        o = StrictJson.reader().readTree(lines[i]);
      } catch (JsonProcessingException e) {
        String column = e.getLocation() == null ? "" : ", column " + e.getLocation().getColumnNr();
        throw DataException.of(
            file, "line " + line + column + ": not valid JSON: " + StrictJson.reason(e));
      }
      if (o == null || !o.isObject()) {
        throw DataException.of(file, "line " + line + " is not a JSON object; write one per line");
      }
      List<String> keys = new ArrayList<>();
      List<String> values = new ArrayList<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isNull()) {
          keys.add(e.getKey());
          values.add(e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString());
        }
      }
      Columns c = columns(keys);
      if (c.text() < 0 || !o.get(keys.get(c.text())).isTextual()) {
        throw DataException.of(
            file,
            "line "
                + line
                + " has no text; give it as a string under one of "
                + String.join(", ", TEXT));
      }
      Row row = row(file, line, values, c);
      if (!rows.isEmpty()) {
        Row first = rows.get(0);
        sameParts(file, line, "label", first.label(), row.label(), "label every row or none");
        sameParts(
            file,
            line,
            "second text",
            first.pair(),
            row.pair(),
            "give one on every row or on none");
      }
      rows.add(row);
    }
    if (rows.isEmpty()) {
      throw DataException.of(file, "holds no rows (one JSON object per line expected)");
    }
    return rows;
  }

  /** Refuses a row that has a part ({@code what}) the first row lacks, or lacks one it has. */
  private static void sameParts(
      Path file, int line, String what, String first, String now, String fix) throws DataException {
    if ((first == null) != (now == null)) {
      throw DataException.of(
          file, "line " + line + (first != null ? " has no " : " has a ") + what + "; " + fix);
    }
  }

  /** One record of a CSV/TSV file and the line it starts on. */
  private record Record(int line, List<String> cells) {}

  /**
   * The first {@code max} non-blank records of {@code s}, split at {@code sep}. A cell that opens
   * with a quote (after spaces) is quoted to its closing quote, doubled quotes in it standing for
   * one. In a TSV, which has no quoting of its own, only a cell whose closing quote ends it is
   * quoted (as pandas writes them); another quote is text ({@code "The film" is great}, as GLUE's
   * files hold it).
   */
  private static List<Record> records(Path file, String s, char sep, int max) throws DataException {
    List<Record> out = new ArrayList<>();
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    int line = 1;
    int start = 1;
    boolean quoted = false;
    boolean wasQuoted = false;
    for (int i = 0; i < s.length() && out.size() < max; i++) {
      char ch = s.charAt(i);
      if (quoted) {
        if (ch == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (ch == '"') {
          quoted = false;
        } else {
          line += ch == '\n' ? 1 : 0;
          cell.append(ch);
        }
      } else if (ch == '"'
          && cell.toString().isBlank()
          && !wasQuoted
          && (sep != '\t' || closesCell(s, i + 1, sep))) {
        cell.setLength(0);
        quoted = true;
        wasQuoted = true;
      } else if (ch == sep) {
        cells.add(cell.toString());
        cell.setLength(0);
        wasQuoted = false;
      } else if (ch == '\n' || ch == '\r') {
        if (ch == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
        end(out, start, cells, cell);
        wasQuoted = false;
        start = ++line;
      } else {
        cell.append(ch);
      }
    }
    if (quoted) {
      throw DataException.of(
          file, "line " + start + " opens a quote that is never closed; close it with \"");
    }
    if (out.size() < max) {
      end(out, start, cells, cell);
    }
    return out;
  }

  /**
   * Whether the quoted text that starts at {@code from} ends with a quote followed by {@code sep},
   * a line break or the end of {@code s}.
   */
  private static boolean closesCell(String s, int from, char sep) {
    for (int i = from; i < s.length(); i++) {
      if (s.charAt(i) != '"') {
        continue;
      }
      if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
        i++;
        continue;
      }
      return i + 1 == s.length() || "\r\n".indexOf(s.charAt(i + 1)) >= 0 || s.charAt(i + 1) == sep;
    }
    return false;
  }

  /** Ends a record (a blank one is dropped). */
  private static void end(List<Record> out, int line, List<String> cells, StringBuilder cell) {
    cells.add(cell.toString());
    cell.setLength(0);
    if (cells.size() > 1 || !cells.get(0).isBlank()) {
      out.add(new Record(line, List.copyOf(cells)));
    }
    cells.clear();
  }

  private static String content(Path file) throws DataException {
    try {
      String s = Files.readString(file, StandardCharsets.UTF_8);
      return s.startsWith("\uFEFF") ? s.substring(1) : s;
    } catch (IOException e) {
      throw DataException.of(
          file,
          "cannot read as UTF-8 text (" + OneLine.joined(e.getMessage()) + "); save it as UTF-8");
    }
  }
}
