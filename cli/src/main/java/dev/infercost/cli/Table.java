package dev.infercost.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A plain-text table with columns padded to their widest cell; numbers right-aligned. */
final class Table {
  private final List<String[]> rows = new ArrayList<>();
  private final String[] header;
  private boolean alignNumbers = true;

  Table(String... header) {
    this.header = header;
  }

  /** Every cell left-aligned, numbers included (for key-value listings). */
  Table leftAligned() {
    alignNumbers = false;
    return this;
  }

  Table row(Object... cells) {
    String[] r = new String[header.length];
    for (int i = 0; i < r.length; i++) {
      r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
    }
    rows.add(r);
    return this;
  }

  void print(PrintWriter out) {
    int[] w = new int[header.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = header[i].length();
      for (String[] r : rows) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    out.println(line(header, w, false));
    for (String[] r : rows) {
      out.println(line(r, w, alignNumbers));
    }
    out.flush();
  }

  private static String line(String[] cells, int[] w, boolean alignNumbers) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      String c = cells[i];
      boolean right = alignNumbers && c.matches("[-+]?[0-9][0-9.,]*( ?[a-zA-Z/%]+)?");
      String pad = " ".repeat(w[i] - c.length());
      b.append(right ? pad + c : c + (i == cells.length - 1 ? "" : pad));
      if (i < cells.length - 1) {
        b.append("  ");
      }
    }
    return b.toString().stripTrailing();
  }

  /** 1.5 kB, 86.2 MB: SI units as file sizes are usually given. */
  static String bytes(long n) {
    if (n < 1000) {
      return n + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double v = n;
    int u = -1;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  static String bytes(Long n) {
    return n == null ? "unavailable" : bytes(n.longValue());
  }

  /** 1,234,567 */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** Two significant decimals for milliseconds. */
  static String ms(double v) {
    return String.format(Locale.ROOT, v >= 100 ? "%.1f" : v >= 1 ? "%.2f" : "%.3f", v);
  }
}
