package io.brazier.loader;

/** One NDJSON file an export wrote, as the Bulk Data manifest lists it: its resources' type, URL and count. */
public record ExportFile(String type, String url, long count) {}
