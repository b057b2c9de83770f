package org.vnetnl.ynl;

import java.util.List;
import java.util.Optional;

/**
 * An {@code enum} or {@code flags} definition. An entry's {@linkplain Entry#value() value} is its number in the
 * enumeration; for flags that number is a bit position and the value on the wire is {@code 1 << value}.
 *
 * @param name    the definition's name
 * @param flags   true for {@code type: flags}
 * @param entries the entries in spec order
 */
public record SpecEnum(String name, boolean flags, List<Entry> entries) {

    /** One named value. */
    public record Entry(String name, long value, String doc) {}

    public SpecEnum {
        entries = List.copyOf(entries);
    }

    /** The entry called {@code entryName}. */
    public Optional<Entry> entry(String entryName) {
        return entries.stream().filter(e -> e.name.equals(entryName)).findFirst();
    }

    /** The entry whose enumeration number is {@code value}. */
    public Optional<Entry> entryByValue(long value) {
        for (Entry e : entries) {
            if (e.value == value) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The number an entry has on the wire: its value, or its bit when this is flags or {@code asFlags} is set. */
    public long wireValue(Entry entry, boolean asFlags) {
        return flags || asFlags ? 1L << entry.value : entry.value;
    }

    /** The entry names, for error messages. */
    public List<String> names() {
        return entries.stream().map(Entry::name).toList();
    }
}
