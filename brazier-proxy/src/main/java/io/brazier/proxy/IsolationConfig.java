package io.brazier.proxy;

import java.time.Duration;
import java.util.List;

/**
 * How patients' data is kept apart ({@code brazier serve --auth}).
 *
 * @param globalRoles roles that reach every patient's data beside Administrator ({@code --global-role}), such as
 *     the original proxy's DataScientist
 * @param consentCategory the category of patients' opt-out Consents, {@code system|code} ({@code --consent-category})
 * @param consentCache how long a node keeps the consents and what decides a participant's patients, at most
 *     ({@code --consent-cache}); a change of them drops them at once
 */
public record IsolationConfig(List<String> globalRoles, String consentCategory, Duration consentCache) {
  /** LOINC 59284-0, Patient Consent: the category the original proxy's documentation names. */
  public static final String DEFAULT_CONSENT_CATEGORY = "http://loinc.org|59284-0";
  public static final Duration DEFAULT_CONSENT_CACHE = Duration.ofMinutes(5);
  public static final IsolationConfig DEFAULTS =
      new IsolationConfig(List.of(), DEFAULT_CONSENT_CATEGORY, DEFAULT_CONSENT_CACHE);

  public IsolationConfig {
    globalRoles = List.copyOf(globalRoles);
    int bar = consentCategory.indexOf('|');
    if (bar <= 0 || bar == consentCategory.length() - 1 || consentCategory.indexOf('|', bar + 1) >= 0) {
      throw new IllegalArgumentException("--consent-category is system|code, such as " + DEFAULT_CONSENT_CATEGORY
          + ", not '" + consentCategory + "'");
    }
    if (consentCache.isNegative() || consentCache.compareTo(Duration.ofHours(1)) > 0) {
      throw new IllegalArgumentException("--consent-cache must be between 0 and an hour, not " + consentCache);
    }
  }
}
