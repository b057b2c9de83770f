package org.vnetnl.genl;

import org.vnetnl.internal.Errno;

/** No generic netlink family of the requested name is registered (errno ENOENT): a module is not loaded. */
public final class FamilyNotFoundException extends NetlinkException {

    private static final long serialVersionUID = 1L;

    private final String familyName;

    FamilyNotFoundException(String familyName, int sequence, String extAckMessage) {
        super(Errno.ENOENT, "resolve generic netlink family \"" + familyName + "\"", sequence,
                extAckMessage != null ? extAckMessage
                        : "no such family is registered (is its kernel module loaded?)");
        this.familyName = familyName;
    }

    /** The family name that was looked up. */
    public String familyName() {
        return familyName;
    }
}
