package org.vnetnl.ynl;

import java.util.List;

import org.vnetnl.genl.NetlinkException;

/**
 * The running kernel's family is not the one a client's spec describes: its version is older, a request or a
 * multicast group is missing, or its policy disagrees with the spec on an attribute's kind or limits. Thrown by
 * {@link SpecSchema#check} (and so by the clients that check at open); the message lists every difference,
 * naming the attributes. A condition of the library: its errno is 0.
 */
public final class SchemaMismatchException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    private final List<String> differences;

    /**
     * A mismatch of {@code family} with its spec, one sentence per difference: for generated clients, which check
     * what they were generated with (a fixed header's size) when they open.
     */
    public SchemaMismatchException(String family, List<String> differences) {
        super(0, "check " + family + " against its spec", 0,
                "the running kernel's " + family + " does not match the spec the client was built from (build both"
                        + " from the same spec): " + String.join("; ", differences));
        this.differences = List.copyOf(differences);
    }

    /** One sentence per difference, e.g. naming the attribute, what the spec expects and what the kernel has. */
    public List<String> differences() {
        return differences;
    }
}
