package dev.parley.bench.cold.crac;

/** A hook failed before the checkpoint. */
public class CheckpointException extends Exception {
    public CheckpointException(Throwable cause) {
        super(cause);
    }
}
