package dev.ferry.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link FaultProxy} on its own, for fault trials driven from a shell (bench/fault-trials.sh):
 * {@code java -cp ... dev.ferry.testkit.FaultProxyMain LISTEN_PORT TARGET_HOST TARGET_PORT CONTROL_PORT}.
 * The control port (loopback only) takes one command per connection and answers one line:
 * {@code cut}, {@code cutfor SECONDS}, {@code refuse SECONDS}, {@code stall SECONDS}, {@code heal},
 * {@code throttle BYTES_PER_SECOND} (per connection and direction; 0 lifts it), {@code status}, {@code quit}. For example {@code echo "cutfor 20" | nc -q1 127.0.0.1 CONTROL_PORT}.
 */
public final class FaultProxyMain {
    private static final Logger log = LoggerFactory.getLogger(FaultProxyMain.class);

    private FaultProxyMain() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: FaultProxyMain LISTEN_PORT TARGET_HOST TARGET_PORT CONTROL_PORT");
        }
        var done = new CountDownLatch(1);
        try (FaultProxy proxy = FaultProxy.on(Integer.parseInt(args[0]), args[1], Integer.parseInt(args[2]));
                ServerSocket control = new ServerSocket()) {
            control.setReuseAddress(true);
            control.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[3])));
            log.atInfo().addKeyValue("port", proxy.port()).addKeyValue("target", args[1] + ":" + args[2])
                    .addKeyValue("control", control.getLocalPort()).log("fault proxy running");
            Thread.ofVirtual().start(() -> serve(proxy, control, done));
            done.await();
        }
    }

    private static void serve(FaultProxy proxy, ServerSocket control, CountDownLatch done) {
        while (done.getCount() > 0) {
            try (Socket s = control.accept();
                    var in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    var out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                String line = in.readLine();
                out.println(line == null ? "error: empty command" : command(proxy, line.strip(), done));
            } catch (IOException | RuntimeException e) {
                log.atWarn().setCause(e).log("fault proxy control command failed");
            }
        }
    }

    static String command(FaultProxy proxy, String line, CountDownLatch done) {
        String[] words = line.toLowerCase(Locale.ROOT).split("\\s+");
        Duration seconds = words.length > 1 ? Duration.ofMillis((long) (Double.parseDouble(words[1]) * 1000)) : Duration.ZERO;
        switch (words[0]) {
            case "cut" -> proxy.cutAll();
            case "cutfor" -> proxy.cutFor(seconds);
            case "refuse" -> proxy.refuseFor(seconds);
            case "stall" -> proxy.stallFor(seconds);
            case "heal" -> proxy.heal();
            case "throttle" -> proxy.throttle(words.length > 1 ? Long.parseLong(words[1]) : 0);
            case "status" -> { }
            case "quit" -> done.countDown();
            default -> {
                return "error: unknown command " + words[0];
            }
        }
        return "ok connections=%d accepted=%d".formatted(proxy.connections(), proxy.accepted());
    }
}
