package dev.infercost.benchmarks;

import dev.infercost.base.AtomicFiles;
import dev.infercost.base.InfercostException;
import dev.infercost.models.Tensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;

/**
 * Rendered test images for a line-segment detector, and the {@code .npz} writer that turns
 * preprocessed image tensors into model inputs. Seeded: the same seed gives the same PNG files.
 */
final class LineImages {
  private LineImages() {}

  /**
   * Writes {@code count} PNGs of {@code size}×{@code size} into {@code dir} ({@code 000.png}, ...):
   * a background (flat, a linear gradient, or flat with pixel noise), 6–30 straight anti-aliased
   * segments of width 1–6 px in random colours, and some rectangle outlines (corners, parallel
   * edges), as in the man-made scenes M-LSD was trained on. The folder's PNGs are replaced.
   */
  static void render(Path dir, int count, int size, long seed) throws IOException {
    pngs(
        dir,
        count,
        size,
        seed,
        (img, g, r) -> {
          g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
          Color bg = color(r);
          switch (r.nextInt(3)) {
            case 0 -> g.setPaint(bg);
            case 1 ->
                g.setPaint(
                    new GradientPaint(
                        r.nextInt(size),
                        r.nextInt(size),
                        bg,
                        r.nextInt(size),
                        r.nextInt(size),
                        color(r)));
            default -> g.setPaint(bg);
          }
          g.fillRect(0, 0, size, size);
          int segments = 6 + r.nextInt(25);
          for (int k = 0; k < segments; k++) {
            g.setColor(contrasting(r, bg));
            g.setStroke(
                new BasicStroke(1 + r.nextInt(6), BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
            int x1 = r.nextInt(size);
            int y1 = r.nextInt(size);
            double len = size * (0.1 + 0.6 * r.nextDouble());
            double a = r.nextDouble() * Math.PI;
            g.drawLine(x1, y1, (int) (x1 + len * Math.cos(a)), (int) (y1 + len * Math.sin(a)));
          }
          int boxes = r.nextInt(4);
          for (int k = 0; k < boxes; k++) {
            g.setColor(contrasting(r, bg));
            g.setStroke(new BasicStroke(2 + r.nextInt(4)));
            int w = size / 8 + r.nextInt(size / 2);
            int h = size / 8 + r.nextInt(size / 2);
            g.drawRect(r.nextInt(size - w), r.nextInt(size - h), w, h);
          }
          if (r.nextInt(3) == 2) {
            noise(img, r);
          }
        });
  }

  /** Paints one image with the run's seeded generator {@code r}. */
  interface Painter {
    void paint(BufferedImage img, Graphics2D g, Random r);
  }

  /**
   * Writes {@code count} RGB PNGs of {@code size}×{@code size} into {@code dir} ({@code 000.png},
   * ...), each painted by {@code p} in turn with one generator seeded with {@code seed}. The PNGs
   * already there are deleted first: a folder rendered with a larger count would keep the extra
   * images, and the data would not be what was asked for.
   */
  static void pngs(Path dir, int count, int size, long seed, Painter p) throws IOException {
    Files.createDirectories(dir);
    try (var old = Files.newDirectoryStream(dir, "*.png")) {
      for (Path f : old) {
        Files.delete(f);
      }
    }
    Random r = new Random(seed);
    for (int i = 0; i < count; i++) {
      BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      try {
        p.paint(img, g, r);
      } finally {
        g.dispose();
      }
      ImageIO.write(img, "png", dir.resolve(String.format("%03d.png", i)).toFile());
    }
  }

  private static Color color(Random r) {
    return new Color(r.nextInt(256), r.nextInt(256), r.nextInt(256));
  }

  /** A random colour at least 120 apart in summed channel distance from {@code bg}. */
  private static Color contrasting(Random r, Color bg) {
    while (true) {
      Color c = color(r);
      int d =
          Math.abs(c.getRed() - bg.getRed())
              + Math.abs(c.getGreen() - bg.getGreen())
              + Math.abs(c.getBlue() - bg.getBlue());
      if (d >= 120) {
        return c;
      }
    }
  }

  private static void noise(BufferedImage img, Random r) {
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int p = img.getRGB(x, y);
        int n = r.nextInt(25) - 12;
        int red = clamp(((p >> 16) & 255) + n);
        int green = clamp(((p >> 8) & 255) + n);
        int blue = clamp((p & 255) + n);
        img.setRGB(x, y, red << 16 | green << 8 | blue);
      }
    }
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(255, v));
  }

  /**
   * {@code rgb} ({@code [N, H, W, 3]}, NHWC) with a fourth channel of ones appended: M-LSD's {@code
   * input_image_with_alpha} (what the package's own preprocessing feeds it).
   */
  static Tensor withAlpha(Tensor rgb, String name) {
    long[] s = rgb.shape();
    float[] in = rgb.toFloats();
    long pixels = in.length / 3;
    float[] out = new float[(int) (pixels * 4)];
    for (int p = 0; p < pixels; p++) {
      out[p * 4] = in[p * 3];
      out[p * 4 + 1] = in[p * 3 + 1];
      out[p * 4 + 2] = in[p * 3 + 2];
      out[p * 4 + 3] = 1;
    }
    return Tensor.ofFloats(name, new long[] {s[0], s[1], s[2], 4}, out);
  }

  /** Writes float32 {@code t} as the one array of a NumPy {@code .npz} named after the tensor. */
  static void writeNpz(Path file, Tensor t) throws InfercostException {
    AtomicFiles.write(
        file,
        out -> {
          ZipOutputStream z = new ZipOutputStream(out);
          z.putNextEntry(new ZipEntry(t.name() + ".npy"));
          StringBuilder dims = new StringBuilder();
          for (long d : t.shape()) {
            dims.append(d).append(", ");
          }
          StringBuilder h =
              new StringBuilder(
                  "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }");
          while ((10 + h.length() + 1) % 64 != 0) {
            h.append(' ');
          }
          h.append('\n');
          byte[] hb = h.toString().getBytes(StandardCharsets.ISO_8859_1);
          z.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
          z.write(new byte[] {(byte) (hb.length & 255), (byte) (hb.length >> 8)});
          z.write(hb);
          float[] v = t.toFloats();
          ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
          b.asFloatBuffer().put(v);
          z.write(b.array());
          z.closeEntry();
          z.finish();
        });
  }
}
