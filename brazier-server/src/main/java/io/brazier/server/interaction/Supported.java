package io.brazier.server.interaction;

import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;

/**
 * The interactions the route table serves, declared where {@code Routes} builds each one (operations are declared
 * in {@link Operations}). The CapabilityStatement is made from it, so metadata can neither list something that is
 * not routed nor miss something that is.
 */
public final class Supported {
  private final Set<TypeRestfulInteraction> typeInteractions = EnumSet.noneOf(TypeRestfulInteraction.class);
  private final Set<SystemRestfulInteraction> systemInteractions = EnumSet.noneOf(SystemRestfulInteraction.class);

  /** An interaction on every resource type (and its instances), such as read or history-type. */
  public <T extends Interaction> T type(TypeRestfulInteraction code, T interaction) {
    return declare(typeInteractions, code, interaction);
  }

  /** An interaction on the whole server, such as transaction or history-system. */
  public <T extends Interaction> T system(SystemRestfulInteraction code, T interaction) {
    return declare(systemInteractions, code, interaction);
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
}
