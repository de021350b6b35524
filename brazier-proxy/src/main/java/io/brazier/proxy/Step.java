package io.brazier.proxy;

/**
 * What a pre-processor decided: send on {@code request}, or answer with {@code answer} (exactly one is set).
 */
public record Step(ProxyRequest request, ProxyResponse answer) {

  public Step {
    if ((request == null) == (answer == null)) {
      throw new IllegalArgumentException("a step either sends a request on or answers, not both or neither");
    }
  }

  public static Step proceed(ProxyRequest request) {
    return new Step(request, null);
  }

  public static Step answer(ProxyResponse answer) {
    return new Step(null, answer);
  }

  public boolean answered() {
    return answer != null;
  }
}
