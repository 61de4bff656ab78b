package dev.tensorseal.internal.store;

/** Test hook: told of every (key id, nonce) a store seals under, from the sealing thread. */
@FunctionalInterface
public interface NonceObserver {
    NonceObserver NONE = (keyId, nonce) -> {};

    /** Both arrays are the caller's copies. */
    void sealed(byte[] keyId, byte[] nonce);
}
