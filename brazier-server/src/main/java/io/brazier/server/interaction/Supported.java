package io.brazier.server.interaction;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;

/**
 * What the route table serves, declared where {@code Routes} builds each interaction and operation. The
 * CapabilityStatement is made from it, so metadata can neither list something that is not routed nor miss something
 * that is.
 */
public final class Supported {
  /** An operation by its name (without {@code $}) and the canonical url of its OperationDefinition. */
  public record Operation(String name, String definition) {}

  private final Set<TypeRestfulInteraction> typeInteractions = EnumSet.noneOf(TypeRestfulInteraction.class);
  private final Set<SystemRestfulInteraction> systemInteractions = EnumSet.noneOf(SystemRestfulInteraction.class);
  private final List<Operation> typeOperations = new ArrayList<>();
  private final List<Operation> systemOperations = new ArrayList<>();
  private final Map<String, List<Operation>> operationsByType = new TreeMap<>();

  /** An interaction on every resource type (and its instances), such as read or history-type. */
  public <T extends Interaction> T type(TypeRestfulInteraction code, T interaction) {
    return declare(typeInteractions, code, interaction);
  }

  /** An interaction on the whole server, such as transaction or history-system. */
  public <T extends Interaction> T system(SystemRestfulInteraction code, T interaction) {
    return declare(systemInteractions, code, interaction);
  }

  /** An operation on every resource type or its instances, such as $validate. */
  public <T extends Interaction> T typeOperation(Operation operation, T interaction) {
    return declare(typeOperations, operation, interaction);
  }

  /** An operation on one resource type or its instances, such as ValueSet's $expand. */
  public <T extends Interaction> T typeOperation(String type, Operation operation, T interaction) {
    return declare(operationsByType.computeIfAbsent(type, t -> new ArrayList<>()), operation, interaction);
  }

  /** An operation on the whole server, such as $changes. */
  public <T extends Interaction> T systemOperation(Operation operation, T interaction) {
    return declare(systemOperations, operation, interaction);
  }

  private static <E, T extends Interaction> T declare(Collection<E> declared, E what, T interaction) {
    declared.add(what);
    return interaction;
  }

  public boolean supports(TypeRestfulInteraction code) {
    return typeInteractions.contains(code);
  }

  public Set<TypeRestfulInteraction> typeInteractions() {
    return Collections.unmodifiableSet(typeInteractions);
  }

  public Set<SystemRestfulInteraction> systemInteractions() {
    return Collections.unmodifiableSet(systemInteractions);
  }

  public List<Operation> typeOperations() {
    return Collections.unmodifiableList(typeOperations);
  }

  /** The operations of one type only (those of every type are {@link #typeOperations()}). */
  public List<Operation> typeOperations(String type) {
    return Collections.unmodifiableList(operationsByType.getOrDefault(type, List.of()));
  }

  public List<Operation> systemOperations() {
    return Collections.unmodifiableList(systemOperations);
  }
}
