package dev.infercost.base;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Interruption}: a request waits for the native calls in flight and lets none start. The
 * state is the process's, so the scenario runs in a child JVM.
 */
class InterruptionTest {
  @Test
  void aRequestWaitsForSectionsInFlightAndRefusesNewOnes() throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Scenario.class.getName())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), out);
    assertEquals("section ended\nrequest returned\nrefused\nrefused at check\n", out);
  }

  @Test
  void withoutARequestSectionsAndChecksPass() {
    try (Interruption.Section s = Interruption.enter()) {
      Interruption.check();
    }
  }

  /** The child JVM: a section of 300 ms in another thread, a request during it. */
  public static final class Scenario {
    public static void main(String[] args) throws Exception {
      CountDownLatch inside = new CountDownLatch(1);
      Thread nativeCall =
          new Thread(
              () -> {
                try (Interruption.Section s = Interruption.enter()) {
                  inside.countDown();
                  Thread.sleep(300);
                  System.out.print("section ended\n");
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
              });
      nativeCall.start();
      inside.await();
      Interruption.request();
      System.out.print("request returned\n");
      try (Interruption.Section s = Interruption.enter()) {
        System.out.print("entered after the request\n");
      } catch (CancellationException e) {
        System.out.print("refused\n");
      }
      try {
        Interruption.check();
      } catch (CancellationException e) {
        System.out.print("refused at check\n");
      }
      System.out.flush();
    }
  }
}
