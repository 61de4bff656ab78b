package dev.tensorseal.nativebridge.internal.gcm;

/**
 * The permit that the native AES-GCM calls which seal under a caller-chosen nonce ask for
 * ({@code CpuAesGcm.seal}, {@code HostAesGcm.seal}, {@code GpuAesGcm.seal}, a sealing {@code GpuAesGcm.launch}).
 * Whoever picks nonces must guarantee that none repeats under a key (a repeat leaks the XOR of two plaintexts and
 * the GHASH key); tensorseal core does (chunk index and a generation that only grows), an arbitrary caller cannot be
 * trusted to. This package is exported to {@code dev.tensorseal.core} only, so on the module path no other module
 * can obtain the permit, and every call that chooses a nonce says so where it is made. (On the class path module
 * boundaries do not apply; the name still marks every such call.)
 */
public final class InsecureNonce {
    private static final InsecureNonce PERMIT = new InsecureNonce();

    private InsecureNonce() {}

    /** The permit: for core's chunk sealing and for the bridge's own tests and checks. */
    public static InsecureNonce permit() {
        return PERMIT;
    }

    /** Throws {@link IllegalArgumentException} unless {@code permit} is the permit (null from a caller without one). */
    public static void check(InsecureNonce permit, String call) {
        if (permit != PERMIT) {
            throw new IllegalArgumentException(call + " seals under a caller-chosen nonce and needs the InsecureNonce"
                    + " permit, which only tensorseal core holds: seal through TensorStore or GpuSession instead");
        }
    }
}
