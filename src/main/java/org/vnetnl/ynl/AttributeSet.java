package org.vnetnl.ynl;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An attribute set: one number space of attributes. A subset ({@code subset-of}) shares the attributes, numbers
 * and types of its parent and lists only some of them.
 */
public final class AttributeSet {

    private final String name;
    private final String namePrefix;
    private final String subsetOf;
    private final Map<String, SpecAttribute> byName = new LinkedHashMap<>();
    private final Map<Integer, SpecAttribute> byValue = new HashMap<>();

    AttributeSet(String name, String namePrefix, String subsetOf, List<SpecAttribute> attributes) {
        this.name = name;
        this.namePrefix = namePrefix;
        this.subsetOf = subsetOf;
        for (SpecAttribute a : attributes) {
            byName.put(a.name(), a);
            byValue.put(a.value(), a);
        }
    }

    public String name() {
        return name;
    }

    /** The C enum prefix ({@code name-prefix}), or null for the default. */
    public String namePrefix() {
        return namePrefix;
    }

    /** The parent set of a subset, or null. */
    public String subsetOf() {
        return subsetOf;
    }

    /** The attributes in spec order. */
    public List<SpecAttribute> attributes() {
        return List.copyOf(byName.values());
    }

    /** The attribute called {@code attributeName}. */
    public Optional<SpecAttribute> attribute(String attributeName) {
        return Optional.ofNullable(byName.get(attributeName));
    }

    /** The attribute whose number is {@code value}. */
    public Optional<SpecAttribute> attribute(int value) {
        return Optional.ofNullable(byValue.get(value));
    }

    /** The attribute names, for error messages. */
    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    @Override
    public String toString() {
        return "attribute-set " + name + names();
    }
}
