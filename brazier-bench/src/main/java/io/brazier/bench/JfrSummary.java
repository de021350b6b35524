package io.brazier.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM's CPU went, from the execution samples of a Java Flight Recorder file: the methods most often on top
 * of the stack, and the share of each area (the first frame of a stack, from the top, that is in a known library or
 * in Brazier).
 */
final class JfrSummary {
  /** Areas by class name prefix, most specific first. */
  private static final List<String[]> AREAS = List.of(
      new String[] {"io.brazier.fhir.search.", "index extraction (Brazier)"},
      new String[] {"io.brazier.", "Brazier"},
      new String[] {"ca.uhn.fhir.parser.", "HAPI parser"},
      new String[] {"org.hl7.fhir.r4.model.", "HAPI model"},
      new String[] {"ca.uhn.fhir.", "HAPI"},
      new String[] {"com.fasterxml.jackson.", "Jackson"},
      new String[] {"org.postgresql.", "PostgreSQL JDBC"},
      new String[] {"java.util.zip.", "gzip"},
      new String[] {"java.util.regex.", "regex"},
      new String[] {"java.", "JDK"},
      new String[] {"jdk.", "JDK"});

  private JfrSummary() {}

  static void print(Path recording) throws IOException {
    Map<String, Integer> methods = new HashMap<>();
    Map<String, Integer> areas = new HashMap<>();
    int samples = 0;
    for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
      if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null
          || event.getStackTrace().getFrames().isEmpty()) {
        continue;
      }
      samples++;
      List<RecordedFrame> frames = event.getStackTrace().getFrames();
      RecordedFrame top = frames.get(0);
      methods.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
      areas.merge(area(frames), 1, Integer::sum);
    }
    System.out.println();
    System.out.println("JVM CPU samples: " + samples);
    print("area", areas, samples, 12);
    print("method (self)", methods, samples, 20);
  }

  private static String area(List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      for (String[] area : AREAS) {
        if (type.startsWith(area[0]) && !area[1].equals("JDK")) {
          return area[1];
        }
      }
    }
    return "JDK";
  }

  private static void print(String title, Map<String, Integer> counts, int samples, int limit) {
    System.out.println("| " + title + " | share |");
    System.out.println("|---|---:|");
    counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(limit)
        .forEach(entry -> System.out.printf("| %s | %.1f %% |%n", entry.getKey(), 100.0 * entry.getValue() / samples));
  }
}
