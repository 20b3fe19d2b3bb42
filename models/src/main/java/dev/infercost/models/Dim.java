package dev.infercost.models;

import java.util.Objects;

/**
 * One dimension of a tensor: a fixed size, a symbolic name ({@code batch}, {@code sequence}) or
 * unknown.
 */
public record Dim(long size, String symbol) {
  public Dim {
    if (size < -1) {
      throw new IllegalArgumentException("dimension size " + size + " < -1");
    }
    if (size >= 0 && symbol != null) {
      throw new IllegalArgumentException("a fixed dimension has no symbol");
    }
  }

  public static Dim fixed(long size) {
    if (size < 0) {
      throw new IllegalArgumentException("fixed dimension must be >= 0, got " + size);
    }
    return new Dim(size, null);
  }

  public static Dim symbolic(String name) {
    return new Dim(-1, Objects.requireNonNull(name));
  }

  public static Dim unknown() {
    return new Dim(-1, null);
  }

  public boolean isFixed() {
    return size >= 0;
  }

  @Override
  public String toString() {
    return isFixed() ? Long.toString(size) : symbol != null ? symbol : "?";
  }
}
