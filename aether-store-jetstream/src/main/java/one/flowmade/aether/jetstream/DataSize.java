package one.flowmade.aether.jetstream;

/**
 * An amount of data, in bytes: used for stream limits so that the unit is in the type.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bytes the number of bytes, at least 0
 */
public record DataSize(long bytes) {

  /**
   * Validates the size.
   *
   * @param bytes the number of bytes, at least 0
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public DataSize {
    if (bytes < 0) {
      throw new IllegalArgumentException("a data size must not be negative, was " + bytes);
    }
  }

  /**
   * Returns a size in bytes.
   *
   * @param bytes the number of bytes
   * @return the size
   */
  public static DataSize ofBytes(long bytes) {
    return new DataSize(bytes);
  }

  /**
   * Returns a size in kibibytes (1024 bytes).
   *
   * @param kibibytes the number of KiB
   * @return the size
   * @throws ArithmeticException if the size overflows a {@code long}
   */
  public static DataSize ofKibibytes(long kibibytes) {
    return new DataSize(Math.multiplyExact(kibibytes, 1024L));
  }

  /**
   * Returns a size in mebibytes (1024 KiB).
   *
   * @param mebibytes the number of MiB
   * @return the size
   * @throws ArithmeticException if the size overflows a {@code long}
   */
  public static DataSize ofMebibytes(long mebibytes) {
    return new DataSize(Math.multiplyExact(mebibytes, 1024L * 1024));
  }

  /**
   * Returns a size in gibibytes (1024 MiB).
   *
   * @param gibibytes the number of GiB
   * @return the size
   * @throws ArithmeticException if the size overflows a {@code long}
   */
  public static DataSize ofGibibytes(long gibibytes) {
    return new DataSize(Math.multiplyExact(gibibytes, 1024L * 1024 * 1024));
  }

  @Override
  public String toString() {
    return bytes + " bytes";
  }
}
