package io.brazier.app;

/** A {@code brazier serve} command as its arguments configure it, not started: a test starts it itself. */
final class ServeArguments {
  private ServeArguments() {}

  static Serve parse(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "serve";
    System.arraycopy(args, 0, all, 1, args.length);
    return (Serve) Brazier.commandLine(args).parseArgs(all).subcommand().commandSpec().userObject();
  }
}
