package org.vnetnl.internal;

import java.lang.reflect.Method;

/**
 * The bytes the current thread allocated so far, from {@code com.sun.management.ThreadMXBean}, for the tests that
 * check a path allocates nothing. Reached reflectively: under Maven the tests run inside the library's module,
 * which does not read {@code jdk.management}, and making the library read it only for the tests would be wrong.
 */
public final class ThreadAllocation {

    private final Object bean;
    private final Method currentThreadAllocatedBytes;

    public ThreadAllocation() throws ReflectiveOperationException {
        bean = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        currentThreadAllocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        // The first call may allocate internally; make it before anything is measured.
        bytes();
    }

    /** The bytes the calling thread has allocated since it started. */
    public long bytes() throws ReflectiveOperationException {
        return (Long) currentThreadAllocatedBytes.invoke(bean);
    }
}
