package org.vnetnl.genl;

/**
 * What a dump does when the kernel marks it interrupted (NLM_F_DUMP_INTR: the set being dumped changed
 * underneath, so the result may be inconsistent). The flag is never ignored: the caller chooses.
 */
public final class DumpInterruptPolicy {

    /** Throw {@link DumpInterruptedException}. */
    public static final DumpInterruptPolicy FAIL = new DumpInterruptPolicy(1, false);

    /** Keep what was received and report it through {@link DumpResult#interrupted()}. */
    public static final DumpInterruptPolicy ACCEPT_PARTIAL = new DumpInterruptPolicy(1, true);

    private final int maxAttempts;
    private final boolean acceptPartial;

    private DumpInterruptPolicy(int maxAttempts, boolean acceptPartial) {
        this.maxAttempts = maxAttempts;
        this.acceptPartial = acceptPartial;
    }

    /**
     * Run the dump again, up to {@code maxAttempts} times in all, then throw {@link DumpInterruptedException}.
     * Before each new attempt the handler's {@link DumpHandler#onRestart()} is called so it can discard what the
     * interrupted attempt delivered.
     */
    public static DumpInterruptPolicy retry(int maxAttempts) {
        if (maxAttempts < 2) {
            throw new IllegalArgumentException("a retrying policy needs at least 2 attempts, got " + maxAttempts);
        }
        return new DumpInterruptPolicy(maxAttempts, false);
    }

    /** How many times a dump may run in all. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** Whether an interrupted result is returned instead of thrown once the attempts are used up. */
    public boolean acceptsPartial() {
        return acceptPartial;
    }

    @Override
    public String toString() {
        return acceptPartial ? "ACCEPT_PARTIAL" : maxAttempts == 1 ? "FAIL" : "retry(" + maxAttempts + ")";
    }
}
