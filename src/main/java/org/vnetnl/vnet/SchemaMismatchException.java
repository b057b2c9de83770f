package org.vnetnl.vnet;

import java.util.List;

import org.vnetnl.genl.NetlinkException;

/**
 * The loaded vnet_nl module is not the one this client was built for: its family version differs, or its
 * policy disagrees with {@link VnetSchema} on an attribute's kind or limits, or it lacks a command or the
 * events group. Thrown by {@link VnetClient#open}; the message lists every difference, naming the attributes.
 */
public final class SchemaMismatchException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    private final List<String> differences;

    SchemaMismatchException(List<String> differences) {
        super(0, "check the vnet_nl module against this client", 0,
                "the loaded module does not match the client (rebuild one of them from the same linux/vnet_nl.h): "
                        + String.join("; ", differences));
        this.differences = List.copyOf(differences);
    }

    /** One sentence per difference, e.g. naming the attribute, what the client expects and what the kernel has. */
    public List<String> differences() {
        return differences;
    }
}
