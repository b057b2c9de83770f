package org.vnetnl.ynl;

import java.nio.ByteOrder;
import java.util.List;

/**
 * One attribute of an attribute set.
 *
 * @param name             its name
 * @param value            its number on the wire
 * @param type             its type
 * @param multiAttr        it may repeat; the values form a list
 * @param nestedAttributes the attribute set of a nest, indexed-array of nests or nest-type-value, or null
 * @param enumName         the enum or flags definition its value names, or null
 * @param enumAsFlags      an enum whose entries are bit positions here
 * @param byteOrder        the byte order of its value, or null for the host's
 * @param subType          the element type of an indexed-array or a binary array, or null
 * @param structName       the struct a binary attribute holds, or null
 * @param displayHint      how to show the value (mac, ipv4, ipv6, uuid, hex), or null
 * @param checks           what the kernel's policy accepts
 * @param typeValue        the names of the nesting levels of a nest-type-value
 * @param subMessage       the sub-message a sub-message attribute holds, or null
 * @param selector         the attribute that selects the sub-message's format, or null
 * @param line             its line in the spec file
 */
public record SpecAttribute(String name, int value, SpecType type, boolean multiAttr, String nestedAttributes,
                            String enumName, boolean enumAsFlags, ByteOrder byteOrder, SpecType subType,
                            String structName, String displayHint, Checks checks, List<String> typeValue,
                            String subMessage, String selector, int line) {

    public SpecAttribute {
        typeValue = List.copyOf(typeValue);
    }
}
