package io.brazier.server.interaction;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The operations the server serves, each declared once: its name and definition, the levels and resource types it
 * is invoked on, the methods it takes and the interaction that answers it. The route table finds operations here,
 * and the CapabilityStatement lists them from here, so neither can know one the other does not.
 * https://hl7.org/fhir/R4/operations.html
 */
public final class Operations {
  /**
   * Where an operation is invoked: {@code [base]/$op}, {@code [base]/[type]/$op}, {@code [base]/[type]/[id]/$op},
   * {@code [base]/[type]/[id]/_history/[vid]/$op}. An operation on a version finds the version and keeps to the
   * request's restriction itself, as vread does: the current version need not be within it.
   */
  public enum Level { SYSTEM, TYPE, INSTANCE, VERSION }

  public static final Set<Level> TYPE_AND_INSTANCE = EnumSet.of(Level.TYPE, Level.INSTANCE);
  /** The levels of most operations that work on all: few are defined on a version. */
  public static final Set<Level> ALL_LEVELS = EnumSet.of(Level.SYSTEM, Level.TYPE, Level.INSTANCE);
  /** Operations that change nothing take GET (with HEAD) as well as POST. */
  public static final Set<String> GET_OR_POST = Set.of("GET", "POST");
  public static final Set<String> POST = Set.of("POST");
  public static final Set<String> GET = Set.of("GET");
  /** Operations that remove what they are invoked on, as Microsoft's {@code $purge-history}. */
  public static final Set<String> DELETE = Set.of("DELETE");
  /** For {@code types}: every resource type. */
  public static final Set<String> ANY_TYPE = Set.of();

  /** An operation by its name (without {@code $}) and the canonical url of its OperationDefinition. */
  public record Definition(String name, String url) {}

  /**
   * One operation.
   *
   * @param definition its name and OperationDefinition
   * @param types the resource types it is invoked on at type and instance level; empty for all of them
   */
  public record Operation(Definition definition, Set<Level> levels, Set<String> types, Set<String> methods,
      Interaction handler) {

    public String name() {
      return "$" + definition.name();
    }

    boolean on(Level level, String type) {
      return levels.contains(level) && (level == Level.SYSTEM || types.isEmpty() || types.contains(type));
    }

    public boolean takes(String method) {
      return methods.contains(method.equals("HEAD") ? "GET" : method);
    }
  }

  private final List<Operation> all = new ArrayList<>();

  /** Declares an operation; returns its handler, for the wiring that needs it further. */
  public <T extends Interaction> T add(Definition definition, Set<Level> levels, Set<String> types,
      Set<String> methods, T handler) {
    all.add(new Operation(definition, Set.copyOf(levels), Set.copyOf(types), Set.copyOf(methods), handler));
    return handler;
  }

  /** The operation of that name ({@code $expand}) at that level, for that type (null at system level); or null. */
  public Operation find(Level level, String type, String name) {
    for (Operation operation : all) {
      if (operation.name().equals(name) && operation.on(level, type)) {
        return operation;
      }
    }
    return null;
  }

  /** The operations of the whole server. */
  public List<Operation> system() {
    return all.stream().filter(operation -> operation.levels().contains(Level.SYSTEM)).toList();
  }

  /** The operations invoked on a type or its instances. */
  public List<Operation> forType(String type) {
    return all.stream().filter(operation -> operation.on(Level.TYPE, type) || operation.on(Level.INSTANCE, type))
        .toList();
  }

  public List<Operation> all() {
    return Collections.unmodifiableList(all);
  }
}
