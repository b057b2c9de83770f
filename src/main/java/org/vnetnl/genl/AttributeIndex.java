package org.vnetnl.genl;

import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * Where each attribute of one attribute set sits in a message: the engine of the readers that
 * {@code org.vnetnl.ynl.codegen} generates. {@link #wrap(AttributeReader) wrap} walks the attributes once and records,
 * per known attribute (a <em>slot</em>), the absolute offset of its first occurrence and how often it occurs; the
 * accessors then move a reader straight there. Attributes the set does not know (newer kernels) are skipped.
 * Nothing is allocated after construction, except the exceptions. The validity of the wrapped reader carries
 * over: once a connection received again, every accessor throws {@link IllegalStateException}.
 *
 * <p>Not thread-safe.
 */
public final class AttributeIndex {

    private final AttributeReader attrs = new AttributeReader();
    private final AttributeReader items = new AttributeReader();
    private final String setName;
    private final String[] names;
    private final int[] types;
    private final int[] slotOfType;
    private final long[] offsets;
    /** {@code nla_len} and {@code nla_type} of each first occurrence, so that reading it needs no second parse. */
    private final int[] lengths;
    private final int[] rawTypes;
    private final int[] counts;
    /**
     * The pass in which each slot's entries were recorded: they belong to the current message only when it equals
     * {@link #pass}. One increment per wrap instead of clearing every slot, which for a wide set (ethtool's have
     * dozens of attributes) would cost more than indexing the few a reply carries.
     */
    private final int[] recordedIn;
    /** Never 0, the value of a slot not recorded since the last clearing: so before any wrap, nothing is present. */
    private int pass = 1;
    /**
     * How many times this index was wrapped; unlike {@link #pass}, it never comes round. A reader that shares the
     * index notes it, so that once the index shows another message the reader fails instead of reading that one.
     */
    private long wraps;

    /**
     * An index of the attributes {@code types} (attribute numbers, one per slot), called {@code names} in
     * messages, of the set {@code setName}.
     *
     * @throws IllegalArgumentException if the arrays differ in length or a type repeats or is outside 1..16383
     */
    public AttributeIndex(String setName, int[] types, String[] names) {
        this(setName, types.clone(), names.clone(), slotsOfTypes(types, names));
    }

    /**
     * An empty index of the same attribute set as {@code sameSet}, sharing its tables, which never change: a reader
     * made per reply then costs its per-slot arrays only, not the clone and the type table of the full constructor.
     */
    public AttributeIndex(AttributeIndex sameSet) {
        this(sameSet.setName, sameSet.types, sameSet.names, sameSet.slotOfType);
    }

    private AttributeIndex(String setName, int[] types, String[] names, int[] slotOfType) {
        this.setName = setName;
        this.types = types;
        this.names = names;
        this.slotOfType = slotOfType;
        offsets = new long[types.length];
        lengths = new int[types.length];
        rawTypes = new int[types.length];
        counts = new int[types.length];
        recordedIn = new int[types.length];
    }

    /** The slot of each attribute type (-1 for types the set does not list), checking the set's lists. */
    private static int[] slotsOfTypes(int[] types, String[] names) {
        if (types.length != names.length) {
            throw new IllegalArgumentException(types.length + " types but " + names.length + " names");
        }
        int max = 0;
        for (int type : types) {
            if (type < 1 || type > AttributeWriter.MAX_TYPE) {
                throw new IllegalArgumentException("attribute type " + type + " is outside 1.." + AttributeWriter.MAX_TYPE);
            }
            max = Math.max(max, type);
        }
        int[] slotOfType = new int[max + 1];
        Arrays.fill(slotOfType, -1);
        for (int slot = 0; slot < types.length; slot++) {
            if (slotOfType[types[slot]] >= 0) {
                throw new IllegalArgumentException("attribute type " + types[slot] + " listed twice");
            }
            slotOfType[types[slot]] = slot;
        }
        return slotOfType;
    }

    /** Sets the pass counter, so that a test can reach its wrap-around without 2^32 wraps. */
    void setPassForTest(int value) {
        pass = value;
    }

    /** Indexes the range {@code source} covers, keeping its validity. */
    public AttributeIndex wrap(AttributeReader source) {
        attrs.wrap(source);
        return index();
    }

    /** Indexes the payload of the current attribute of {@code parent}, a nest of this set. */
    public AttributeIndex wrapNested(AttributeReader parent) {
        parent.nested(attrs);
        return index();
    }

    /**
     * Indexes the payload of the current attribute of {@code parent} after a fixed header of {@code headerLength}
     * bytes: a netlink-raw sub-message that starts with a struct before its attributes.
     */
    public AttributeIndex wrapNested(AttributeReader parent, int headerLength) {
        if (headerLength < 0) {
            throw new IllegalArgumentException("a header length is not negative, got " + headerLength);
        }
        parent.nested(attrs, headerLength);
        return index();
    }

    private AttributeIndex index() {
        wraps++;
        int current = ++pass;
        if (current == 0) {
            // After 2^32 passes the counter comes round: clear, so that no old entry can match a new pass.
            Arrays.fill(recordedIn, 0);
            current = pass = 1;
        }
        while (attrs.next()) {
            int type = attrs.type();
            int slot = type < slotOfType.length ? slotOfType[type] : -1;
            if (slot >= 0) {
                if (recordedIn[slot] != current) {
                    recordedIn[slot] = current;
                    offsets[slot] = attrs.offset();
                    lengths[slot] = attrs.length();
                    rawTypes[slot] = attrs.rawType();
                    counts[slot] = 1;
                } else {
                    counts[slot]++;
                }
            }
        }
        return this;
    }

    /** Fails if the indexed bytes are gone (the connection received again). */
    public void requireValid() {
        attrs.requireValid();
    }

    /** How many times this index was wrapped: a reader or struct view notes it to tell later wraps apart. */
    public long wraps() {
        return wraps;
    }

    /**
     * Fails if the index was wrapped again since its {@code wraps()} was {@code wraps} (it shows another message
     * now), or if the indexed bytes are gone.
     */
    public void requireCurrent(long wraps) {
        if (this.wraps != wraps) {
            throw BufferGeneration.stale("reader (its index now shows a later message)");
        }
        attrs.requireValid();
    }

    /** Whether the attribute of {@code slot} is present. */
    public boolean has(int slot) {
        attrs.requireValid();
        return recordedIn[slot] == pass;
    }

    /** How many times the attribute of {@code slot} occurs. */
    public int count(int slot) {
        attrs.requireValid();
        return recordedIn[slot] == pass ? counts[slot] : 0;
    }

    /**
     * A reader whose current attribute is the first occurrence of {@code slot}'s attribute.
     *
     * @throws NoSuchElementException if it is absent, naming it
     */
    public AttributeReader at(int slot) {
        if (recordedIn[slot] != pass) {
            attrs.requireValid();
            throw absent(slot);
        }
        attrs.moveTo(offsets[slot], lengths[slot], rawTypes[slot]);
        return attrs;
    }

    private NoSuchElementException absent(int slot) {
        return new NoSuchElementException("attribute " + names[slot] + " of set " + setName
                + " is absent: check has...() first");
    }

    /**
     * A reader whose current attribute is occurrence {@code index} of {@code slot}'s attribute.
     *
     * @throws IndexOutOfBoundsException if there are not that many
     */
    public AttributeReader nth(int slot, int index) {
        attrs.requireValid();
        int count = recordedIn[slot] == pass ? counts[slot] : 0;
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(names[slot] + " has " + count + " values, no index " + index);
        }
        attrs.moveTo(offsets[slot], lengths[slot], rawTypes[slot]);
        for (int k = 0; k < index; ) {
            attrs.next();
            if (attrs.type() == types[slot]) {
                k++;
            }
        }
        return attrs;
    }

    /** The number of entries of the indexed array (a nest of numbered entries) of {@code slot}. */
    public int itemCount(int slot) {
        at(slot).nested(items);
        int n = 0;
        while (items.next()) {
            n++;
        }
        return n;
    }

    /**
     * A reader whose current attribute is entry {@code index} of the indexed array of {@code slot}.
     *
     * @throws IndexOutOfBoundsException if there are not that many
     */
    public AttributeReader item(int slot, int index) {
        if (index < 0) {
            throw new IndexOutOfBoundsException(names[slot] + ": no index " + index);
        }
        at(slot).nested(items);
        for (int k = 0; k <= index; k++) {
            if (!items.next()) {
                throw new IndexOutOfBoundsException(names[slot] + " has " + k + " entries, no index " + index);
            }
        }
        return items;
    }
}
