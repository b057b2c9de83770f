package org.vnetnl.genl;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.vnetnl.internal.Errno;
import org.vnetnl.internal.libnl.LibNl;

/**
 * The generic netlink controller ({@code nlctrl}) as seen through one connection: families by name, the list of
 * every family, and the attribute policies of a command. Obtained from {@link GenlConnection#controller()}; any
 * thread may use it. It builds its requests in a small send buffer of the calling thread's own, so asking the
 * controller never disturbs a request that thread has prepared.
 *
 * <p>Resolved families are cached, for every thread, for the connection's life ({@link #forget(String)} drops one, e.g. after its
 * module was reloaded).
 */
public final class Controller {

    /** CTRL_VERSION of the kernel's controller, which requests carry. */
    private static final int CTRL_VERSION = 1;

    private final Calls calls;
    private final Callers callers;
    private final Map<String, Family> families = new ConcurrentHashMap<>();

    Controller(Calls calls, Callers callers) {
        this.calls = calls;
        this.callers = callers;
    }

    /**
     * Resolves a family by name (CTRL_CMD_GETFAMILY), asking the kernel only the first time.
     *
     * @throws FamilyNotFoundException if no family of that name is registered
     * @throws IllegalArgumentException if the name cannot be a family name
     */
    public Family family(String name, Duration timeout) throws NetlinkException {
        Objects.requireNonNull(name, "name");
        Family cached = families.get(name);
        if (cached != null) {
            return cached;
        }
        if (name.isEmpty() || name.length() >= LibNl.GENL_NAMSIZ() || name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("generic netlink family names have 1 to " + (LibNl.GENL_NAMSIZ() - 1)
                    + " characters and no NUL, got \"" + name.replace("\0", "\\0") + "\"");
        }
        Caller me = callers.get();
        Request request = me.controllerRequest;
        calls.prepare(me, request, LibNl.GENL_ID_CTRL(), LibNl.CTRL_CMD_GETFAMILY(), CTRL_VERSION, 0, null,
                "nlctrl CTRL_CMD_GETFAMILY(\"" + name + "\")", null).putString(LibNl.CTRL_ATTR_FAMILY_NAME(), name);
        Family resolved;
        try {
            GenlMessage reply = calls.transact(me, request, timeout, null);
            if (reply == null) {
                throw new NetlinkException(0, request.operation(), request.sequence(),
                        "the controller acknowledged without a family description");
            }
            resolved = Family.parse(reply);
        } catch (NetlinkException e) {
            if (e.errno() == Errno.ENOENT && !(e instanceof FamilyNotFoundException)) {
                throw new FamilyNotFoundException(name, e.sequence(), e.extAckMessage().orElse(null));
            }
            throw e;
        }
        families.put(name, resolved);
        return resolved;
    }

    /** Drops a cached family, so the next {@link #family} asks the kernel again. */
    public void forget(String name) {
        families.remove(name);
    }

    /** Lists every registered family (a CTRL_CMD_GETFAMILY dump, retried if a module loads meanwhile). */
    public List<Family> families(Duration timeout) throws NetlinkException {
        Caller me = callers.get();
        Request request = me.controllerRequest;
        calls.prepare(me, request, LibNl.GENL_ID_CTRL(), LibNl.CTRL_CMD_GETFAMILY(), CTRL_VERSION,
                LibNl.NLM_F_DUMP(), null, "nlctrl CTRL_CMD_GETFAMILY dump", null);
        List<Family> result = new ArrayList<>();
        calls.dump(me, request, timeout, DumpInterruptPolicy.retry(5), new DumpHandler() {
            @Override
            public void onMessage(GenlMessage part) {
                result.add(Family.parse(part));
            }

            @Override
            public void onRestart() {
                result.clear();
            }
        });
        return result;
    }

    /**
     * Reads the attribute policies the kernel validates {@code command} of {@code family} against
     * (CTRL_CMD_GETPOLICY; Linux 5.10 or later).
     *
     * @throws NetlinkException the controller's error: ENODATA (EOPNOTSUPP on older kernels) when the command has
     *                          no policy, ENOENT when the family has no such command
     */
    public FamilyPolicy policy(Family family, int command, Duration timeout) throws NetlinkException {
        Objects.requireNonNull(family, "family");
        if (command < 0 || command > 0xFF) {
            throw new IllegalArgumentException("generic netlink commands are 0..255, got " + command);
        }
        Caller me = callers.get();
        Request request = me.controllerRequest;
        calls.prepare(me, request, LibNl.GENL_ID_CTRL(), LibNl.CTRL_CMD_GETPOLICY(), CTRL_VERSION,
                LibNl.NLM_F_DUMP(), null, "nlctrl CTRL_CMD_GETPOLICY(" + family.name() + " command " + command + ")",
                null).putU16(LibNl.CTRL_ATTR_FAMILY_ID(), family.id()).putU32(LibNl.CTRL_ATTR_OP(), command);
        FamilyPolicy.Parser parser = new FamilyPolicy.Parser();
        calls.dump(me, request, timeout, DumpInterruptPolicy.retry(3), parser);
        return parser.policy(family.name(), command);
    }
}
