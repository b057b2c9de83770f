package org.vnetnl.genl;

/**
 * The waits of an exchange by sequence number: open addressing over int keys, so a lookup or an insert allocates
 * nothing (a map of boxed keys would, on every request). Not thread-safe: the exchange's lock guards it.
 */
final class PendingTable {

    private int[] keys = new int[64];
    private Pending[] values = new Pending[64];
    private int size;

    Pending get(int sequence) {
        int mask = keys.length - 1;
        for (int i = hash(sequence) & mask; ; i = (i + 1) & mask) {
            Pending value = values[i];
            if (value == null) {
                return null;
            }
            if (keys[i] == sequence) {
                return value;
            }
        }
    }

    void put(int sequence, Pending pending) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        for (int i = hash(sequence) & mask; ; i = (i + 1) & mask) {
            if (values[i] == null) {
                keys[i] = sequence;
                values[i] = pending;
                size++;
                return;
            }
            if (keys[i] == sequence) {
                values[i] = pending;
                return;
            }
        }
    }

    /** Removes {@code sequence} if it maps to {@code pending} (a reused number may belong to a newer wait). */
    void remove(int sequence, Pending pending) {
        int mask = keys.length - 1;
        int i = hash(sequence) & mask;
        while (values[i] != null && keys[i] != sequence) {
            i = (i + 1) & mask;
        }
        if (values[i] != pending) {
            return;
        }
        values[i] = null;
        size--;
        // Backward-shift deletion: move later entries of the run into the gap, so lookups need no tombstones.
        int gap = i;
        for (int j = (i + 1) & mask; values[j] != null; j = (j + 1) & mask) {
            int home = hash(keys[j]) & mask;
            boolean movable = gap <= j ? (home <= gap || home > j) : (home <= gap && home > j);
            if (movable) {
                keys[gap] = keys[j];
                values[gap] = values[j];
                values[j] = null;
                gap = j;
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        int[] oldKeys = keys;
        Pending[] oldValues = values;
        keys = new int[oldKeys.length * 2];
        values = new Pending[oldKeys.length * 2];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] != null) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int hash(int sequence) {
        return sequence * 0x9E3779B1 >>> 7 ^ sequence;
    }
}
