package org.vnetnl.genl;

/** Receives the parts of a dump as they arrive, each valid only during the call. */
@FunctionalInterface
public interface DumpHandler {

    /** One message of the dump; copy what must outlive the call. */
    void onMessage(GenlMessage message) throws NetlinkException;

    /**
     * The dump was interrupted and is about to run again from the start ({@link DumpInterruptPolicy#retry}):
     * discard everything received so far. The default refuses, because silently keeping the interrupted
     * attempt's messages would deliver duplicates.
     */
    default void onRestart() {
        throw new IllegalStateException("the dump was interrupted and is being retried, but this DumpHandler"
                + " cannot discard what it received: implement DumpHandler.onRestart()");
    }
}
