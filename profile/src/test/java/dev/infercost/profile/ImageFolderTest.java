package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.Parameter;
import dev.infercost.models.DType;
import dev.infercost.models.Dim;
import dev.infercost.models.Half;
import dev.infercost.models.Tensor;
import dev.infercost.models.TensorSpec;
import java.awt.image.BufferedImage;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image folders give the tensors of a reference computed here, pixel by pixel, from the documented
 * preprocessing (profile/README.md): bilinear with half-pixel centres, edge-clamped. Float
 * tolerance 1e-5 (the reader rounds to float once, the reference computes in double).
 */
class ImageFolderTest {
  private static final double TOL = 1e-5;

  @TempDir Path tmp;

  // ---- images and the reference ----

  /** An RGB image with seeded random pixels: rgb[c][y][x] in 0..255. */
  record Rgb(int[][][] px) {
    int h() {
      return px[0].length;
    }

    int w() {
      return px[0][0].length;
    }
  }

  static Rgb random(int h, int w, long seed) {
    Random r = new Random(seed);
    int[][][] px = new int[3][h][w];
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          px[c][y][x] = r.nextInt(256);
        }
      }
    }
    return new Rgb(px);
  }

  static Path png(Path file, Rgb img) throws IOException {
    BufferedImage b = new BufferedImage(img.w(), img.h(), BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < img.h(); y++) {
      for (int x = 0; x < img.w(); x++) {
        b.setRGB(x, y, img.px[0][y][x] << 16 | img.px[1][y][x] << 8 | img.px[2][y][x]);
      }
    }
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(b, "png", file.toFile()));
    return file;
  }

  static Path grayPng(Path file, int[][] g) throws IOException {
    BufferedImage b = new BufferedImage(g[0].length, g.length, BufferedImage.TYPE_BYTE_GRAY);
    WritableRaster r = b.getRaster();
    for (int y = 0; y < g.length; y++) {
      for (int x = 0; x < g[0].length; x++) {
        r.setSample(x, y, 0, g[y][x]);
      }
    }
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(b, "png", file.toFile()));
    return file;
  }

  /** Plain bilinear sample of plane {@code p} at output (y, x) of an oh x ow resize. */
  static double bilinear(double[][] p, int oh, int ow, int y, int x) {
    int ih = p.length;
    int iw = p[0].length;
    double sy = Math.max(0, Math.min(ih - 1, (y + 0.5) * ih / oh - 0.5));
    double sx = Math.max(0, Math.min(iw - 1, (x + 0.5) * iw / ow - 0.5));
    int y0 = (int) sy;
    int x0 = (int) sx;
    int y1 = Math.min(y0 + 1, ih - 1);
    int x1 = Math.min(x0 + 1, iw - 1);
    double fy = sy - y0;
    double fx = sx - x0;
    return p[y0][x0] * (1 - fy) * (1 - fx)
        + p[y0][x1] * (1 - fy) * fx
        + p[y1][x0] * fy * (1 - fx)
        + p[y1][x1] * fy * fx;
  }

  static double[][] plane(int[][] p) {
    double[][] d = new double[p.length][p[0].length];
    for (int y = 0; y < p.length; y++) {
      for (int x = 0; x < p[0].length; x++) {
        d[y][x] = p[y][x];
      }
    }
    return d;
  }

  static double[][] resized(double[][] p, int oh, int ow) {
    double[][] out = new double[oh][ow];
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        out[y][x] = bilinear(p, oh, ow, y, x);
      }
    }
    return out;
  }

  static TensorSpec nchw(int c, int h, int w) {
    return new TensorSpec(
        "image",
        DType.FLOAT32,
        List.of(Dim.symbolic("N"), Dim.fixed(c), Dim.fixed(h), Dim.fixed(w)));
  }

  static TensorSpec nhwc(int h, int w, int c) {
    return new TensorSpec(
        "image",
        DType.FLOAT32,
        List.of(Dim.symbolic("N"), Dim.fixed(h), Dim.fixed(w), Dim.fixed(c)));
  }

  static EvalData load(Path dir, TensorSpec spec) throws DataException {
    return EvalData.load(dir, List.of(spec), Optional.empty());
  }

  static EvalData load(Path dir, TensorSpec spec, Preprocessing p) throws DataException {
    return EvalData.load(dir, List.of(spec), Optional.empty(), Optional.of(p), Parameter.EVAL_DATA);
  }

  /** The single sample's tensor values. */
  static float[] only(EvalData d) {
    assertEquals(1, d.samples());
    return d.batches().get(0).get(0).toFloats();
  }

  static void assertClose(double[] want, float[] got) {
    assertEquals(want.length, got.length, "element count");
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], TOL, "element " + i);
    }
  }

  /** NCHW values of per-channel planes, scaled by 1/255. */
  static double[] nchwOf(double[][][] planes) {
    int c = planes.length;
    int h = planes[0].length;
    int w = planes[0][0].length;
    double[] out = new double[c * h * w];
    for (int k = 0; k < c; k++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          out[(k * h + y) * w + x] = planes[k][y][x] / 255;
        }
      }
    }
    return out;
  }

  // ---- preprocessing options against the reference ----

  @Test
  void stretchIsBilinearWithHalfPixelCentres() throws Exception {
    Rgb img = random(7, 5, 1);
    png(tmp.resolve("a.png"), img);
    for (int[] hw : new int[][] {{4, 6}, {11, 3}, {7, 5}}) {
      EvalData d = load(tmp, nchw(3, hw[0], hw[1]));
      double[][][] want = new double[3][][];
      for (int c = 0; c < 3; c++) {
        want[c] = resized(plane(img.px[c]), hw[0], hw[1]);
      }
      assertArrayEquals(new long[] {1, 3, hw[0], hw[1]}, d.batches().get(0).get(0).shape());
      assertClose(nchwOf(want), only(d));
    }
  }

  @Test
  void identityAndTwoTimesDownsamplingAreExact() throws Exception {
    Rgb img = random(8, 6, 2);
    png(tmp.resolve("a.png"), img);
    float[] same = only(load(tmp, nchw(3, 8, 6)));
    float[] half = only(load(tmp, nchw(3, 4, 3)));
    for (int c = 0; c < 3; c++) {
      for (int y = 0; y < 8; y++) {
        for (int x = 0; x < 6; x++) {
          assertEquals(img.px[c][y][x] / 255f, same[(c * 8 + y) * 6 + x], 0f);
        }
      }
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 3; x++) {
          int[][] p = img.px[c];
          double block =
              (p[2 * y][2 * x]
                      + p[2 * y][2 * x + 1]
                      + p[2 * y + 1][2 * x]
                      + p[2 * y + 1][2 * x + 1])
                  / 4.0;
          assertEquals(block / 255, half[(c * 4 + y) * 3 + x], TOL);
        }
      }
    }
  }

  @Test
  void padKeepsTheAspectRatioAndFillsWithThePadValue() throws Exception {
    Rgb img = random(4, 8, 3);
    png(tmp.resolve("a.png"), img);
    Files.writeString(tmp.resolve("preprocess.yaml"), "resize: pad\npad: 114\n");
    float[] got = only(load(tmp, nchw(3, 6, 6)));
    // scale min(6/4, 6/8) = 0.75: 3 x 6, centred at row (6 - 3) / 2 = 1.
    double[][][] want = new double[3][6][6];
    for (int c = 0; c < 3; c++) {
      double[][] r = resized(plane(img.px[c]), 3, 6);
      for (int y = 0; y < 6; y++) {
        for (int x = 0; x < 6; x++) {
          want[c][y][x] = y >= 1 && y < 4 ? r[y - 1][x] : 114;
        }
      }
    }
    assertClose(nchwOf(want), got);
  }

  @Test
  void cropResizesTheShorterSideThenTakesTheCentre() throws Exception {
    Rgb img = random(6, 10, 4);
    png(tmp.resolve("a.png"), img);
    Preprocessing p =
        Preprocessing.builder().optResize(Preprocessing.Resize.CROP).optShorterSide(5).build();
    float[] got = only(load(tmp, nchw(3, 4, 4), p));
    // shorter side 6 -> 5: 5 x round(10 * 5 / 6) = 5 x 8; centre 4 x 4 at (0, 2).
    double[][][] want = new double[3][4][4];
    for (int c = 0; c < 3; c++) {
      double[][] r = resized(plane(img.px[c]), 5, 8);
      for (int y = 0; y < 4; y++) {
        for (int x = 0; x < 4; x++) {
          want[c][y][x] = r[y][x + 2];
        }
      }
    }
    assertClose(nchwOf(want), got);
  }

  @Test
  void meanStdBgrAndChannelsLast() throws Exception {
    Rgb img = random(3, 4, 5);
    png(tmp.resolve("a.png"), img);
    Files.writeString(
        tmp.resolve("preprocess.yaml"),
        "scale: 1/255\nmean: [0.5, 0.4, 0.3]\nstd: [0.2, 0.3, 0.4]\nchannels: bgr\nlayout: nhwc\n");
    EvalData d = load(tmp, nhwc(3, 4, 3));
    assertArrayEquals(new long[] {1, 3, 4, 3}, d.batches().get(0).get(0).shape());
    float[] got = only(d);
    double[] mean = {0.5, 0.4, 0.3};
    double[] std = {0.2, 0.3, 0.4};
    double[] want = new double[3 * 4 * 3];
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        for (int c = 0; c < 3; c++) {
          want[(y * 4 + x) * 3 + c] = (img.px[2 - c][y][x] / 255.0 - mean[c]) / std[c];
        }
      }
    }
    assertClose(want, got);
  }

  /**
   * A uint8 input (tf2onnx and TFLite exports often take the camera's bytes) gets the resized pixel
   * values, rounded, without the float scaling; a spec that scales them is refused.
   */
  @Test
  void aUint8InputTakesPixelValues() throws Exception {
    Rgb img = random(4, 6, 9);
    png(tmp.resolve("a.png"), img);
    TensorSpec u8 =
        new TensorSpec(
            "image", DType.UINT8, List.of(Dim.fixed(1), Dim.fixed(2), Dim.fixed(3), Dim.fixed(3)));
    Tensor t = load(tmp, u8).batches().get(0).get(0);
    assertEquals(DType.UINT8, t.dtype());
    assertArrayEquals(new long[] {1, 2, 3, 3}, t.shape());
    ByteBuffer b = t.data();
    for (int c = 0; c < 3; c++) {
      double[][] want = resized(plane(img.px[c]), 2, 3);
      for (int y = 0; y < 2; y++) {
        for (int x = 0; x < 3; x++) {
          assertEquals(
              Math.round(want[y][x]), b.get((y * 3 + x) * 3 + c) & 0xff, "c" + c + " y" + y);
        }
      }
    }
    Files.writeString(tmp.resolve("preprocess.yaml"), "mean: [0.5]\n");
    assertMessage(fails(tmp, u8, Parameter.EVAL_DATA), "takes uint8 pixels", "leave out 'scale'");
  }

  @Test
  void aFloat16InputTakesTheFloat32ValuesRoundedToHalf() throws Exception {
    png(tmp.resolve("a.png"), random(5, 4, 7));
    Files.writeString(tmp.resolve("preprocess.yaml"), "mean: [0.4, 0.5, 0.6]\nstd: [0.2]\n");
    TensorSpec f32 = nchw(3, 3, 5);
    TensorSpec f16 = new TensorSpec("image", DType.FLOAT16, f32.dims());
    float[] want = only(load(tmp, f32));
    Tensor t = load(tmp, f16).batches().get(0).get(0);
    assertEquals(DType.FLOAT16, t.dtype());
    float[] got = t.toFloats();
    for (int i = 0; i < want.length; i++) {
      assertEquals(Half.round(want[i]), got[i], 0f, "element " + i);
    }
  }

  @Test
  void grayscaleForOneChannelInputs() throws Exception {
    Rgb img = random(2, 3, 6);
    png(tmp.resolve("colour/a.png"), img);
    int[][] g = {{0, 17, 255}, {128, 64, 3}};
    grayPng(tmp.resolve("grey/a.png"), g);
    float[] fromColour = only(load(tmp.resolve("colour"), nchw(1, 2, 3)));
    float[] fromGrey = only(load(tmp.resolve("grey"), nchw(1, 2, 3)));
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 3; x++) {
        double luma = 0.299 * img.px[0][y][x] + 0.587 * img.px[1][y][x] + 0.114 * img.px[2][y][x];
        assertEquals(luma / 255, fromColour[y * 3 + x], TOL);
        assertEquals(g[y][x] / 255f, fromGrey[y * 3 + x], 0f, "grey samples taken as stored");
      }
    }
    // A grey image for a 3-channel input: the grey value in every channel.
    float[] rgb = only(load(tmp.resolve("grey"), nchw(3, 2, 3)));
    for (int c = 0; c < 3; c++) {
      assertEquals(17 / 255f, rgb[c * 6 + 1], 0f);
    }
  }

  @Test
  void jpegIsDecoded() throws Exception {
    BufferedImage b = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++) {
        b.setRGB(x, y, 200 << 16 | 100 << 8 | 50);
      }
    }
    assertTrue(ImageIO.write(b, "jpg", tmp.resolve("a.JPG").toFile()));
    float[] got = only(load(tmp, nchw(3, 8, 8)));
    // A flat colour survives JPEG within a few levels of rounding.
    assertEquals(200 / 255.0, got[0], 3 / 255.0);
    assertEquals(100 / 255.0, got[64], 3 / 255.0);
    assertEquals(50 / 255.0, got[128], 3 / 255.0);
  }

  // ---- order, batches and labels ----

  @Test
  void classFoldersGiveSortedIndicesInSortedPathOrderAndFixedBatches() throws Exception {
    List<Integer> firstPixels = new ArrayList<>();
    for (String cls : new String[] {"dog", "cat"}) {
      for (int i = 0; i < 40; i++) {
        int v = (cls.equals("cat") ? 0 : 100) + i;
        grayPng(tmp.resolve(cls).resolve(String.format("%02d.png", i)), new int[][] {{v}});
      }
    }
    Files.createDirectories(tmp.resolve("cow")); // an empty class keeps its index
    EvalData d = load(tmp, nchw(1, 1, 1));
    assertEquals(80, d.samples());
    assertEquals(List.of(64L, 16L), d.batches().stream().map(b -> b.get(0).shape()[0]).toList());
    long[] labels = d.labels();
    for (int i = 0; i < 80; i++) {
      assertEquals(i < 40 ? 0 : 2, labels[i], "cat = 0, cow = 1, dog = 2");
      int batch = i / 64;
      float v = d.batches().get(batch).get(0).toFloats()[i % 64];
      firstPixels.add(Math.round(v * 255));
    }
    for (int i = 0; i < 80; i++) {
      assertEquals(i < 40 ? i : 100 + i - 40, firstPixels.get(i), "sorted by path");
    }
  }

  @Test
  void classesTxtMapsFolderNames() throws Exception {
    grayPng(tmp.resolve("cat/a.png"), new int[][] {{1}});
    grayPng(tmp.resolve("dog/a.png"), new int[][] {{2}});
    Files.writeString(tmp.resolve("classes.txt"), "dog\nbird\ncat\n");
    assertArrayEquals(new long[] {2, 0}, load(tmp, nchw(1, 1, 1)).labels());
  }

  @Test
  void labelsCsvLabelsByFile() throws Exception {
    grayPng(tmp.resolve("b.png"), new int[][] {{1}});
    grayPng(tmp.resolve("a.png"), new int[][] {{2}});
    grayPng(tmp.resolve("sub/c.png"), new int[][] {{3}});
    Files.writeString(tmp.resolve("labels.csv"), "file,label\nb.png,7\nsub/c.png,1\na.png,3\n");
    EvalData d = load(tmp, nchw(1, 1, 1));
    assertArrayEquals(new long[] {3, 7, 1}, d.labels(), "a.png, b.png, sub/c.png");
    Files.writeString(tmp.resolve("classes.txt"), "zero\none\n");
    Files.writeString(tmp.resolve("labels.csv"), "b.png,one\nsub/c.png,zero\na.png,1\n");
    assertArrayEquals(new long[] {1, 1, 0}, load(tmp, nchw(1, 1, 1)).labels());
  }

  @Test
  void aFlatFolderIsUnlabelled() throws Exception {
    grayPng(tmp.resolve("a.png"), new int[][] {{1}});
    grayPng(tmp.resolve("b.png"), new int[][] {{1}});
    Files.writeString(tmp.resolve("README.txt"), "other files are ignored");
    EvalData d = load(tmp, nchw(1, 1, 1));
    assertEquals(2, d.samples());
    assertEquals(0, d.labels().length);
  }

  @Test
  void theExplicitSpecOverridesTheOneNextToTheData() throws Exception {
    grayPng(tmp.resolve("a.png"), new int[][] {{51}});
    Files.writeString(tmp.resolve("preprocess.yaml"), "scale: 1\n");
    assertEquals(51f, only(load(tmp, nchw(1, 1, 1)))[0], 0f);
    Preprocessing p = Preprocessing.builder().optScale(2).build();
    assertEquals(102f, only(load(tmp, nchw(1, 1, 1), p))[0], 0f);
  }

  @Test
  void sizeAndLayoutComeFromTheSpecWhenTheModelLeavesThemOpen() throws Exception {
    png(tmp.resolve("a.png"), random(4, 4, 7));
    TensorSpec open =
        new TensorSpec(
            "image",
            DType.FLOAT32,
            List.of(Dim.symbolic("N"), Dim.symbolic("H"), Dim.symbolic("W"), Dim.fixed(3)));
    DataException e = assertThrows(DataException.class, () -> load(tmp, open));
    assertTrue(e.getMessage().contains("no fixed height and width"), e.getMessage());
    Tensor t =
        load(tmp, open, Preprocessing.builder().optSize(2, 5).build()).batches().get(0).get(0);
    assertArrayEquals(new long[] {1, 2, 5, 3}, t.shape(), "NHWC guessed from the last dim");
  }

  // ---- errors: one line, the image and the problem, with the hint ----

  private DataException fails(Path dir, TensorSpec spec, Parameter hint) {
    DataException e =
        assertThrows(
            DataException.class,
            () -> EvalData.load(dir, List.of(spec), Optional.empty(), Optional.empty(), hint));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertEquals(Optional.of(hint), e.hint(), e.getMessage());
    return e;
  }

  private static void assertMessage(DataException e, String... parts) {
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), () -> "'" + p + "' in: " + e.getMessage());
    }
  }

  @Test
  void anImageClaimingBillionsOfPixelsIsRefusedBeforeDecoding() throws Exception {
    grayPng(tmp.resolve("a.png"), new int[][] {{1, 2}, {3, 4}});
    byte[] png = Files.readAllBytes(tmp.resolve("a.png"));
    // IHDR data (width, height, ...) is bytes 16..28 and its CRC 29..32.
    java.nio.ByteBuffer.wrap(png).putInt(16, 100_000).putInt(20, 100_000);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(png, 12, 17);
    java.nio.ByteBuffer.wrap(png).putInt(29, (int) crc.getValue());
    Files.write(tmp.resolve("a.png"), png);
    assertMessage(
        fails(tmp, nchw(1, 2, 2), Parameter.EVAL_DATA), "100000 x 100000 pixels", "limit");
  }

  @Test
  void aCorruptImageIsNamed() throws Exception {
    grayPng(tmp.resolve("a.png"), new int[][] {{1}});
    Path bad = tmp.resolve("b.png");
    Files.write(bad, "not an image".getBytes());
    assertMessage(
        fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), bad.toString(), "not a PNG or JPEG");
    byte[] png = Files.readAllBytes(tmp.resolve("a.png"));
    Files.write(bad, java.util.Arrays.copyOf(png, png.length / 2));
    assertMessage(
        fails(tmp, nchw(1, 1, 1), Parameter.CALIBRATION_DATA), bad.toString(), "cannot decode");
  }

  @Test
  void anUnsupportedFormatIsNamed() throws Exception {
    grayPng(tmp.resolve("a.png"), new int[][] {{1}});
    Path gif = tmp.resolve("cat.gif");
    Files.write(gif, new byte[] {1});
    assertMessage(
        fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), gif.toString(), "unsupported image format");
  }

  @Test
  void anEmptyFolderIsNamed() {
    assertMessage(
        fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), tmp.toString(), "holds no images");
  }

  @Test
  void labelProblemsAreNamed() throws Exception {
    grayPng(tmp.resolve("a.png"), new int[][] {{1}});
    Path unlisted = grayPng(tmp.resolve("b.png"), new int[][] {{1}});
    Path csv = tmp.resolve("labels.csv");
    Files.writeString(csv, "a.png,1\n");
    assertMessage(
        fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), unlisted.toString(), "has no label in");
    Files.writeString(csv, "a.png,1\nb.png,cat\n");
    assertMessage(
        fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), "line 2", "'cat' is not a whole number");
    Files.writeString(tmp.resolve("classes.txt"), "dog\n");
    assertMessage(
        fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), "'cat' is not a class in", "classes.txt");
    Files.writeString(csv, "a.png,1\nb.png,0\nc.png,0\n");
    assertMessage(fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), "'c.png'", "not an image");
  }

  @Test
  void aClassFolderMissingFromClassesTxtIsNamed() throws Exception {
    grayPng(tmp.resolve("cat/a.png"), new int[][] {{1}});
    Files.writeString(tmp.resolve("classes.txt"), "dog\n");
    assertMessage(
        fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), "class folder 'cat' is not listed in");
  }

  @Test
  void specProblemsNameTheFileAndKey() throws Exception {
    grayPng(tmp.resolve("a.png"), new int[][] {{1}});
    Path yaml = tmp.resolve("preprocess.yaml");
    Files.writeString(yaml, "sise: 8\n");
    assertMessage(
        fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), yaml.toString(), "unknown key 'sise'");
    Files.writeString(yaml, "pad: 300\nresize: pad\n");
    assertMessage(fails(tmp, nchw(1, 1, 1), Parameter.CALIBRATION_DATA), "'pad' is 300", "0..255");
    Files.writeString(yaml, "channels: rgb\n");
    assertMessage(fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), "gives 3 channels", "takes 1");
    Files.writeString(yaml, "size: [2, 2]\n");
    assertMessage(fails(tmp, nchw(1, 1, 1), Parameter.EVAL_DATA), "does not fit input 'image'");
  }

  @Test
  void imagesNeedOneFloatImageInput() throws Exception {
    grayPng(tmp.resolve("a.png"), new int[][] {{1}});
    TensorSpec flat = new TensorSpec("x", DType.FLOAT32, List.of(Dim.symbolic("N"), Dim.fixed(64)));
    assertMessage(
        fails(tmp, flat, Parameter.EVAL_DATA), "one float32, float16 or uint8 input of rank 4");
  }

  @Test
  void aSpecForOtherDataIsRefused() throws Exception {
    Path npz = tmp.resolve("x.npy");
    Files.write(npz, new byte[] {1});
    DataException e =
        assertThrows(
            DataException.class,
            () ->
                EvalData.load(
                    npz,
                    List.of(nchw(1, 1, 1)),
                    Optional.empty(),
                    Optional.of(Preprocessing.DEFAULT),
                    Parameter.EVAL_DATA));
    assertMessage(e, "is not an image folder");
  }
}
