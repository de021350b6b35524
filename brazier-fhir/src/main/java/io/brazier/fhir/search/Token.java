package io.brazier.fhir.search;

/** One value of a token search parameter of a resource; system and code may each be null. */
public record Token(String param, String system, String code) {}
