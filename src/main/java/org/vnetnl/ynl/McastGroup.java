package org.vnetnl.ynl;

import java.util.Set;

/**
 * A multicast group. Generic netlink assigns group ids at registration (resolve them through the controller);
 * a netlink-raw family's groups have fixed numbers, given by the spec's {@code value}.
 *
 * @param name        its name
 * @param cDefineName the C define of its name ({@code c-define-name}), or null
 * @param flags       {@code admin-perm}, {@code uns-admin-perm}
 * @param value       the group's number in a netlink-raw family, or -1 when the kernel assigns it
 */
public record McastGroup(String name, String cDefineName, Set<String> flags, int value) {
    public McastGroup {
        flags = Set.copyOf(flags);
    }

    /** A group whose number the kernel assigns (generic netlink). */
    public McastGroup(String name, String cDefineName, Set<String> flags) {
        this(name, cDefineName, flags, -1);
    }
}
