package dev.parley.bench.cold.crac;

/** A hook failed after the restore. */
public class RestoreException extends Exception {
    public RestoreException(Throwable cause) {
        super(cause);
    }
}
