package org.vnetnl.genl;

/**
 * The kernel flagged a dump as inconsistent (NLM_F_DUMP_INTR: the dumped set changed while it was being read)
 * and the caller's {@link DumpInterruptPolicy} did not accept it, or all retries were interrupted too. The kernel
 * reports no error for this, so {@link #errno()} is 0.
 */
public final class DumpInterruptedException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    private final int attempts;

    DumpInterruptedException(String operation, int sequence, int attempts) {
        super(0, operation, sequence, "dump interrupted by a concurrent change (NLM_F_DUMP_INTR), "
                + attempts + (attempts == 1 ? " attempt" : " attempts"));
        this.attempts = attempts;
    }

    /** How many times the dump was run, every one of them interrupted. */
    public int attempts() {
        return attempts;
    }
}
