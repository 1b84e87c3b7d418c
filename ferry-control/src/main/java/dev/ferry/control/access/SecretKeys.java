package dev.ferry.control.access;

import dev.ferry.control.operation.Operations;
import dev.ferry.core.model.Operation;
import dev.ferry.store.Store;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The key that seals secrets at rest: rotated on demand while the server keeps serving. Thread-safe. */
public final class SecretKeys {
    private static final Logger log = LoggerFactory.getLogger(SecretKeys.class);
    static final String TARGET = "secrets/key";

    private final Store store;
    private final Operations operations;
    private final ReentrantLock lock = new ReentrantLock();

    public SecretKeys(Store store, Operations operations) {
        this.store = store;
        this.operations = operations;
    }

    /**
     * Makes a new key active, seals every stored secret again with it and retires the old one; calls
     * reading profiles keep working throughout. The operation is done when the rotation is.
     */
    public Operation rotate(String requestId) {
        return operations.once("rotateKey", TARGET, requestId, () -> {
            lock.lock();
            try {
                String keyId = store.rotateSecretKey();
                log.atInfo().addKeyValue("activeKey", keyId).addKeyValue("by", CurrentCaller.get().name())
                        .log("key of secrets at rest rotated");
                return operations.done("rotateKey", TARGET, requestId,
                        "secrets sealed again with new key %s; the old key is retired".formatted(keyId));
            } finally {
                lock.unlock();
            }
        });
    }
}
