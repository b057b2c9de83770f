package org.vnetnl.ynl;

import java.util.Set;

/**
 * A multicast group. Generic netlink assigns group ids at registration: resolve them through the controller.
 *
 * @param name        its name
 * @param cDefineName the C define of its name ({@code c-define-name}), or null
 * @param flags       {@code admin-perm}, {@code uns-admin-perm}
 */
public record McastGroup(String name, String cDefineName, Set<String> flags) {
    public McastGroup {
        flags = Set.copyOf(flags);
    }
}
