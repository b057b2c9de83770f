package org.vnetnl.ynl;

import java.util.List;
import java.util.Optional;

/**
 * A {@code sub-messages} entry of a netlink-raw spec: the formats one attribute can take, chosen by the value of
 * another attribute, its selector (e.g. rt_link's {@code linkinfo-data-msg}, chosen by the link's {@code kind}).
 *
 * @param name    its name, as attributes name it in {@code sub-message}
 * @param formats its formats in spec order
 */
public record SpecSubMessage(String name, List<Format> formats) {

    /**
     * One format.
     *
     * @param value        the selector's value that chooses it (e.g. {@code "veth"})
     * @param fixedHeader  the struct before its attributes, or null
     * @param attributeSet the attribute set of its attributes, or null when it is the fixed header alone
     */
    public record Format(String value, String fixedHeader, String attributeSet) {}

    public SpecSubMessage {
        formats = List.copyOf(formats);
    }

    /** The format chosen by selector value {@code value}. */
    public Optional<Format> format(String value) {
        return formats.stream().filter(f -> f.value().equals(value)).findFirst();
    }

    /** The selector values it knows, for error messages. */
    public List<String> values() {
        return formats.stream().map(Format::value).toList();
    }
}
