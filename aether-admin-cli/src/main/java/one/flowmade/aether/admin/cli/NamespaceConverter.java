package one.flowmade.aether.admin.cli;

import one.flowmade.aether.Namespace;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Parses a namespace name; the error is {@link Namespace}'s own, naming what is wrong. */
final class NamespaceConverter implements ITypeConverter<Namespace> {
  @Override
  public Namespace convert(String value) {
    try {
      return Namespace.of(value);
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
