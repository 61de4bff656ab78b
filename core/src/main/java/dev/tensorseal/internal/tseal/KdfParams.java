package dev.tensorseal.internal.tseal;

/** Argon2id parameters and salt recorded in a file sealed under a passphrase ({@code null} for a raw key). */
public record KdfParams(int memoryKiB, int iterations, int parallelism, byte[] salt) {
    public static final int SALT_BYTES = 16;

    public KdfParams {
        if (salt.length != SALT_BYTES) {
            throw new IllegalArgumentException("salt must be " + SALT_BYTES + " bytes");
        }
        salt = salt.clone();
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }
}
