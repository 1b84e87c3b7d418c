package dev.ferry.cli.migrate;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles SIGINT and SIGTERM in this process instead of letting them shut the JVM down, so that a
 * command can react to a second signal (a shutdown hook cannot: once shutdown began, further signals
 * wait for it). Uses {@code sun.misc.Signal} from the {@code jdk.unsupported} module through
 * reflection, because the compiler flags that class as proprietary API and we build with
 * {@code -Werror}. A signal the shell set to be ignored (a background job of a script ignores SIGINT)
 * stays ignored. Thread-safe; handlers run on the JVM's signal thread.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    /** Installed handlers; {@link #restore()} puts the previous ones back. */
    interface Registration {
        void restore();
    }

    /**
     * Routes each named signal ({@code INT}, {@code TERM}) to {@code handler}, which receives the name;
     * empty when this JVM offers no way to handle signals (the caller then falls back on a shutdown hook).
     */
    static Optional<Registration> handle(List<String> names, Consumer<String> handler) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Method name = signalClass.getMethod("getName");
            Object proxy = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerClass},
                    (self, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            handler.accept((String) name.invoke(args[0]));
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == args[0];
                        case "toString" -> "ferry signal handler";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            List<Object[]> previous = new ArrayList<>();
            for (String signalName : names) {
                Object signal = signalClass.getConstructor(String.class).newInstance(signalName);
                previous.add(new Object[] {signal, handle.invoke(null, signal, proxy)});
            }
            return Optional.of(() -> {
                for (Object[] entry : previous) {
                    try {
                        handle.invoke(null, entry[0], entry[1]);
                    } catch (ReflectiveOperationException e) {
                        log.atWarn().setCause(e).log("could not restore a signal handler; Ctrl-C may behave differently until exit");
                    }
                }
            });
        } catch (InvocationTargetException e) {
            // the JVM refused the signal (for example -Xrs): fall back on the shutdown hook
            log.atInfo().setCause(e.getCause()).log("signals cannot be handled in this JVM; Ctrl-C shuts it down");
            return Optional.empty();
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.atInfo().setCause(e).log("sun.misc.Signal is not available; Ctrl-C shuts the JVM down");
            return Optional.empty();
        }
    }
}
