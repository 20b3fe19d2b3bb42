package dev.infercost.profile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.infercost.base.Parameter;
import dev.infercost.profile.Preprocessing.Channels;
import dev.infercost.profile.Preprocessing.Layout;
import dev.infercost.profile.Preprocessing.Resize;
import dev.infercost.profile.Preprocessing.Size;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The YAML spec: every key read as documented, every bad value a one-line error. */
class PreprocessingTest {
  @TempDir Path tmp;

  private Preprocessing read(String yaml) throws Exception {
    Path f = tmp.resolve("preprocess.yaml");
    Files.writeString(f, yaml);
    return Preprocessing.read(f, Parameter.EVAL_DATA);
  }

  @Test
  void everyKey() throws Exception {
    Preprocessing p =
        read(
            "size: [224, 200]\nresize: crop\nshorter_side: 256\nscale: 1/127.5\n"
                + "mean: [0.485, 0.456, 0.406]\nstd: [0.229, 0.224, 0.225]\n"
                + "channels: BGR\nlayout: nhwc\n");
    assertEquals(Optional.of(new Size(224, 200)), p.size());
    assertEquals(Resize.CROP, p.resize());
    assertEquals(OptionalInt.of(256), p.shorterSide());
    assertEquals(1 / 127.5, p.scale(), 1e-15);
    assertArrayEquals(new double[] {0.485, 0.456, 0.406}, p.mean());
    assertArrayEquals(new double[] {0.229, 0.224, 0.225}, p.std());
    assertEquals(Optional.of(Channels.BGR), p.channels());
    assertEquals(Optional.of(Layout.NHWC), p.layout());
    Preprocessing q = read("size: 32x48\nresize: pad\npad: 114\nscale: 1\nmean: 127\nstd: 2\n");
    assertEquals(Optional.of(new Size(32, 48)), q.size());
    assertEquals(114, q.pad());
    assertArrayEquals(new double[] {127}, q.mean());
    assertEquals(Optional.of(new Size(8, 8)), read("size: 8\n").size());
  }

  @Test
  void emptyIsTheDefault() throws Exception {
    assertSame(Preprocessing.DEFAULT, read(""));
    assertEquals(1.0 / 255, Preprocessing.DEFAULT.scale(), 0);
    assertEquals(Resize.STRETCH, Preprocessing.DEFAULT.resize());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "colour: rgb|unknown key 'colour'; known keys: size, resize",
        "size: [0, 4]|'size' is [0,4]; expected [height, width]",
        "size: [4, 4, 3]|'size' is [4,4,3]",
        "size: 20000|1..16384",
        "resize: fill|'resize' is \"fill\"; expected one of stretch, pad, crop",
        "shorter_side: 256|'shorter_side' applies only to 'resize: crop'",
        "resize: crop\\nshorter_side: -1|'shorter_side' is -1",
        "pad: -1|'pad' is -1; expected a number in 0..255",
        "scale: 0|'scale' is 0; expected a number > 0",
        "scale: 1/0|'scale' is \"1/0\"",
        "scale: abc|'scale' is \"abc\"",
        "mean: [1, 2]|'mean' is [1,2]; expected one number or one per channel",
        "std: [1, 0, 1]|'std' is [1,0,1]",
        "channels: rgba|expected one of rgb, bgr, gray",
        "layout: chw|expected one of nchw, nhwc",
        "size: 4\\nsize: 5|not a readable preprocessing YAML file",
        "- a list|expected keys size, resize",
      })
  void badValuesAreOneLineNamingTheFileAndKey(String yaml, String expected) throws Exception {
    DataException e = assertThrows(DataException.class, () -> read(yaml.replace("\\n", "\n")));
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
    assertTrue(
        e.getMessage().startsWith(tmp.resolve("preprocess.yaml").toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), () -> e.getMessage() + " lacks " + expected);
    assertEquals(Optional.of(Parameter.EVAL_DATA), e.hint());
  }

  @Test
  void theBuilderValidates() {
    assertThrows(IllegalArgumentException.class, () -> Preprocessing.builder().optPad(256).build());
    assertThrows(IllegalArgumentException.class, () -> Preprocessing.builder().optStd(0).build());
    assertThrows(IllegalArgumentException.class, () -> Preprocessing.builder().optSize(0, 1));
    assertEquals(
        Optional.of(Layout.NCHW), Preprocessing.builder().optLayout(Layout.NCHW).build().layout());
  }
}
