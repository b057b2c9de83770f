package org.vnetnl.genl;

/**
 * The generation of a receive buffer's contents: advanced every time the buffer is about to be overwritten (or
 * freed), so the flyweights over it ({@link GenlMessage}, {@link AttributeReader}) can tell that the bytes they
 * were wrapped over are gone and fail instead of silently reading the next reply's data. A view remembers the
 * generation it was wrapped in and compares: one field read, no allocation.
 */
final class BufferGeneration {

    private long value;

    /** The current generation. */
    long current() {
        return value;
    }

    /** Invalidates every view wrapped so far. */
    void advance() {
        value++;
    }

    /** Whether a view wrapped in generation {@code stamp} still sees the bytes it was wrapped over. */
    boolean isCurrent(long stamp) {
        return value == stamp;
    }

    static IllegalStateException stale(String view) {
        return new IllegalStateException("this " + view + " is no longer valid: the thread it was handed to called"
                + " the connection again (or the batch ran again, or was closed) since, and the bytes it pointed at"
                + " are gone; copy what you keep (GenlMessage.copy(), string(), bytesCopy()) before the next call");
    }
}
