package dev.ferry.engine.postgres.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Runs {@code producer | consumer}, pumping in Java so that the consumer's input is closed (which lets
 * psql commit) only when the producer succeeded; when the producer fails, the consumer is killed
 * first and its transaction rolls back on the server.
 */
final class ProcessPipe {
    private ProcessPipe() {}

    /**
     * Exit codes and the stderr tails of both processes. {@code consumerStoppedFirst} means the consumer
     * quit before reading everything and the producer was then stopped: the consumer's failure is the cause.
     */
    record Outcome(int producerExit, String producerErrors, int consumerExit, String consumerErrors,
            boolean consumerStoppedFirst) {}

    static Outcome run(ProcessBuilder producer, ProcessBuilder consumer) throws IOException, InterruptedException {
        Process p = producer.start();
        Process q;
        try {
            q = consumer.start();
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        try {
            StreamTail pErr = StreamTail.drain(p.getErrorStream(), "pg_dump-stderr");
            StreamTail qErr = StreamTail.drain(q.getErrorStream(), "psql-stderr");
            StreamTail qOut = StreamTail.drain(q.getInputStream(), "psql-stdout");
            boolean consumerGone = pump(p.getInputStream(), q.getOutputStream());
            if (consumerGone) {
                p.destroy();
            }
            int pExit = p.waitFor();
            OutputStream qIn = q.getOutputStream();
            if (pExit != 0 && !consumerGone) {
                q.destroyForcibly();
                q.waitFor();
            }
            closeQuietly(qIn);
            int qExit = q.waitFor();
            qOut.text();
            return new Outcome(pExit, pErr.text(), qExit, qErr.text(), consumerGone);
        } finally {
            p.destroyForcibly();
            q.destroyForcibly();
        }
    }

    /** Copies until the producer's output ends; true when the consumer stopped reading first. */
    private static boolean pump(InputStream in, OutputStream out) throws IOException {
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            try {
                out.write(buf, 0, n);
            } catch (IOException consumerClosed) {
                return true;
            }
        }
        return false;
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // The consumer has exited already; its exit code and stderr tell why.
        }
    }
}
