package org.vnetnl.ynl;

import java.nio.ByteOrder;
import java.util.List;

/**
 * A {@code type: struct} definition: a C struct carried in a binary attribute or a fixed header.
 *
 * @param name    its name
 * @param members its members in layout order
 */
public record SpecStruct(String name, List<Member> members) {

    /**
     * One struct member.
     *
     * @param type        a fixed-width integer type, {@link SpecType#PAD} or {@link SpecType#BINARY}
     * @param byteOrder   the member's byte order, or null for the host's
     * @param enumName    the enum or flags definition its value names, or null
     * @param len         the length of a pad or binary member (0 when it is a nested struct)
     * @param displayHint how to show the value (mac, ipv4, ipv6, uuid, hex), or null
     * @param structName  the struct a binary member holds, or null
     * @param enumAsFlags an enum whose entries are bit positions here ({@code enum-as-flags}, netlink-raw)
     */
    public record Member(String name, SpecType type, ByteOrder byteOrder, String enumName, int len,
                         String displayHint, String structName, boolean enumAsFlags) {

        /** A member whose enum, if any, is read as values. */
        public Member(String name, SpecType type, ByteOrder byteOrder, String enumName, int len, String displayHint,
                      String structName) {
            this(name, type, byteOrder, enumName, len, displayHint, structName, false);
        }
    }

    public SpecStruct {
        members = List.copyOf(members);
    }
}
