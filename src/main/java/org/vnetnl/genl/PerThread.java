package org.vnetnl.genl;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A value per thread that belongs to an owner (a client and its connection), not to the threads: each thread that
 * calls {@link #get()} gets one of its own, made on its first call, and a thread that has ended hands its value to
 * the next new thread. Unlike a {@link ThreadLocal} value, it is held by this object alone: a thread's map refers to
 * it only weakly, so once the owner is unreachable its values (and the native buffers they reach) can be collected
 * whatever the threads that used it still do. A service that starts a virtual thread per request holds as many
 * values as threads use it at once.
 *
 * <p>Generated clients keep their request objects in it; it is public for them.
 *
 * @param <T> the value's type
 */
public final class PerThread<T> {

    private final Supplier<? extends T> initial;
    private final Consumer<? super T> onReuse;
    private final ThreadLocal<WeakReference<T>> mine = new ThreadLocal<>();
    /** Every value made, by index, and the thread it belongs to (cleared once that thread is gone). */
    private final List<T> values = new ArrayList<>();
    private final List<WeakReference<Thread>> owners = new ArrayList<>();

    /** Values made by {@code initial}, on a thread's first {@link #get()}. */
    public PerThread(Supplier<? extends T> initial) {
        this(initial, value -> { });
    }

    /** As {@link #PerThread(Supplier)}, with {@code onReuse} run on a value before a new thread takes it over. */
    PerThread(Supplier<? extends T> initial, Consumer<? super T> onReuse) {
        this.initial = initial;
        this.onReuse = onReuse;
    }

    /** The calling thread's value; allocates nothing after the thread's first call. */
    public T get() {
        WeakReference<T> ref = mine.get();
        T value = ref == null ? null : ref.get();
        if (value == null) {
            value = assign();
            mine.set(new WeakReference<>(value));
        }
        return value;
    }

    /** How many values were made: at most as many as threads used it at once. */
    int made() {
        synchronized (values) {
            return values.size();
        }
    }

    /** Every value made so far. */
    List<T> all() {
        synchronized (values) {
            return List.copyOf(values);
        }
    }

    /** A value whose thread has ended, else a new one. */
    private T assign() {
        Thread self = Thread.currentThread();
        synchronized (values) {
            for (int i = 0; i < values.size(); i++) {
                Thread owner = owners.get(i).get();
                if (owner == null || !owner.isAlive()) {
                    owners.set(i, new WeakReference<>(self));
                    T reused = values.get(i);
                    onReuse.accept(reused);
                    return reused;
                }
            }
            T made = initial.get();
            values.add(made);
            owners.add(new WeakReference<>(self));
            return made;
        }
    }
}
