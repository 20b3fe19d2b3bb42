package dev.infercost.cost;

import dev.infercost.base.InfercostException;
import dev.infercost.base.Parameter;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A demand profile: inferences/s per period, read from a CSV file or made constant.
 *
 * <p>The CSV file has a header row naming its columns: {@code qps} (required: the demand in
 * inferences/s, a finite number >= 0), {@code period} (optional: a label such as {@code mon 09:00};
 * the row number otherwise) and {@code hours} (optional: the period's length, > 0; 1 otherwise).
 * Lines starting with {@code #} and blank lines are skipped; no other columns are accepted, and no
 * field may be quoted. A profile has at least one period.
 */
public final class DemandProfile {
  private static final List<String> COLUMNS = List.of("period", "hours", "qps");

  private DemandProfile() {}

  /** {@code qps} over one period of 24 hours (a constant demand's cost per inference). */
  public static List<FleetPlanner.Period> constant(double qps) throws InfercostException {
    if (!(Double.isFinite(qps) && qps > 0)) {
      throw new InfercostException(
          "demand must be a finite number > 0 inferences/s, got " + qps, Parameter.DEMAND);
    }
    return List.of(new FleetPlanner.Period("constant", 24, qps));
  }

  /**
   * Reads a profile from {@code file}; see the class comment.
   *
   * @throws InfercostException naming the file, the row (1-based line number) and what to fix
   */
  public static List<FleetPlanner.Period> load(Path file) throws InfercostException {
    List<String> lines;
    try {
      lines =
          List.of(
              StandardCharsets.UTF_8
                  .newDecoder()
                  .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                  .toString()
                  .split("\r?\n", -1));
    } catch (NoSuchFileException e) {
      throw fail(file, "no such file; give a CSV demand profile");
    } catch (CharacterCodingException e) {
      throw fail(file, "not UTF-8 text; save the profile as a UTF-8 CSV file");
    } catch (IOException e) {
      throw fail(file, "cannot read: " + e.getMessage());
    }
    Map<String, Integer> header = null;
    List<FleetPlanner.Period> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (i == 0 && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int row = i + 1;
      String[] cells = line.split(",", -1);
      if (header == null) {
        header = header(file, row, cells);
        continue;
      }
      if (cells.length != header.size()) {
        throw fail(
            file,
            row,
            cells.length + " fields but the header has " + header.size() + "; fix the row");
      }
      Integer pc = header.get("period");
      String label = pc == null ? "#" + (out.size() + 1) : cells[pc].strip();
      if (label.isEmpty()) {
        throw fail(file, row, "empty period label; name the period or drop the period column");
      }
      Integer hc = header.get("hours");
      double hours = hc == null ? 1 : number(file, row, "hours", cells[hc]);
      if (!(hours > 0)) {
        throw fail(file, row, "hours must be > 0, got " + cells[hc].strip());
      }
      double qps = number(file, row, "qps", cells[header.get("qps")]);
      if (qps < 0) {
        throw fail(file, row, "qps must be >= 0, got " + cells[header.get("qps")].strip());
      }
      out.add(new FleetPlanner.Period(label, hours, qps));
    }
    if (header == null) {
      throw fail(file, "empty: no header row; start with a header such as 'period,qps'");
    }
    if (out.isEmpty()) {
      throw fail(file, "no periods after the header; add one row per period");
    }
    return List.copyOf(out);
  }

  private static Map<String, Integer> header(Path file, int row, String[] cells)
      throws InfercostException {
    Map<String, Integer> h = new LinkedHashMap<>();
    for (int c = 0; c < cells.length; c++) {
      String name = cells[c].strip().toLowerCase(Locale.ROOT);
      if (!COLUMNS.contains(name)) {
        throw fail(
            file,
            row,
            "unknown column '" + cells[c].strip() + "'; the columns are " + COLUMNS + " (header)");
      }
      if (h.put(name, c) != null) {
        throw fail(file, row, "column '" + name + "' appears twice in the header");
      }
    }
    if (!h.containsKey("qps")) {
      throw fail(file, row, "no 'qps' column in the header; name the demand column qps");
    }
    return h;
  }

  private static double number(Path file, int row, String column, String cell)
      throws InfercostException {
    String s = cell.strip();
    double v;
    try {
      v = Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw fail(file, row, column + " '" + s + "' is not a number");
    }
    // Double.parseDouble accepts "NaN", "Infinity" and a trailing 'd' or 'f'; a profile does not.
    if (!Double.isFinite(v) || !s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
      throw fail(file, row, column + " '" + s + "' is not a finite decimal number");
    }
    return v;
  }

  private static InfercostException fail(Path file, String problem) {
    return new InfercostException(file + ": " + problem, Parameter.DEMAND);
  }

  private static InfercostException fail(Path file, int row, String problem) {
    return new InfercostException(file + ": row " + row + ": " + problem, Parameter.DEMAND);
  }
}
