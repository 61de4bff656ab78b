package dev.tensorseal.cli;

/** A user mistake: printed as one line on stderr, exit code 2, never a stack trace. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
