package dev.infercost.benchmarks;

import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.RenderingHints;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

/**
 * Rendered test images for a text detector: lines of words in the JDK's logical fonts (serif, sans,
 * monospaced, dialog; plain, bold or italic; 10–40 px) in dark colours on a light flat or gradient
 * background, some rotated, as on signs, receipts and menus. Seeded: the same seed gives the same
 * PNG files on one machine (the logical fonts map to the machine's installed fonts).
 */
final class TextImages {
  private TextImages() {}

  private static final String[] FONTS = {
    Font.SERIF, Font.SANS_SERIF, Font.MONOSPACED, Font.DIALOG, Font.DIALOG_INPUT
  };

  private static final String[] WORDS =
      ("the quick brown fox jumps over lazy dog invoice total amount date name address phone"
              + " 2024 $19.99 No. 42 OCR text detection price quantity Street Road Hotel Menu"
              + " Coffee Tea Exit Open Closed Sale 50% off Station Platform 7 Tel. 555-0123 Room"
              + " Receipt VAT Cash Card Thank you Welcome Parking Floor B2")
          .split(" ");

  /**
   * Writes {@code count} PNGs of {@code size}×{@code size} into {@code dir} ({@code 000.png}, ...)
   * with 3–10 lines of 1–5 words each. The folder's PNGs are replaced.
   */
  static void render(Path dir, int count, int size, long seed) throws IOException {
    LineImages.pngs(
        dir,
        count,
        size,
        seed,
        (img, g, r) -> {
          g.setRenderingHint(
              RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
          Color bg = new Color(150 + r.nextInt(106), 150 + r.nextInt(106), 150 + r.nextInt(106));
          g.setPaint(r.nextBoolean() ? new GradientPaint(0, 0, bg, size, size, light(r)) : bg);
          g.fillRect(0, 0, size, size);
          int lines = 3 + r.nextInt(8);
          for (int k = 0; k < lines; k++) {
            g.setFont(new Font(FONTS[r.nextInt(FONTS.length)], r.nextInt(3), 10 + r.nextInt(31)));
            g.setColor(new Color(r.nextInt(120), r.nextInt(120), r.nextInt(120)));
            StringBuilder s = new StringBuilder();
            for (int w = 1 + r.nextInt(5); w > 0; w--) {
              s.append(WORDS[r.nextInt(WORDS.length)]).append(w > 1 ? " " : "");
            }
            int x = r.nextInt(size / 2);
            int y = 20 + r.nextInt(size - 30);
            double angle = r.nextInt(4) == 0 ? (r.nextDouble() - 0.5) * 0.6 : 0;
            g.rotate(angle, x, y);
            g.drawString(s.toString(), x, y);
            g.rotate(-angle, x, y);
          }
        });
  }

  private static Color light(Random r) {
    return new Color(120 + r.nextInt(136), 120 + r.nextInt(136), 120 + r.nextInt(136));
  }
}
