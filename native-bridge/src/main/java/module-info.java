/** Native bridge: every native binding of tensorseal: OS memory hardening (FFM and JNA), libc, OpenSSL libcrypto, CUDA driver, NVML. */
// "module": core, the target of the qualified exports below, is built after this module, so javac cannot see it yet.
@SuppressWarnings("module")
module dev.tensorseal.nativebridge {
    requires com.sun.jna;
    exports dev.tensorseal.nativebridge;
    // libc for core's own needs (environment, anonymous pages): one binding of libc, in this module.
    exports dev.tensorseal.nativebridge.internal.ffm to dev.tensorseal.core;
    // OpenSSL's libcrypto for core's ossl engine: raw EVP calls, so core's only.
    exports dev.tensorseal.nativebridge.internal.ossl to dev.tensorseal.core;
    // PKCS#11 tokens (key-encryption keys that never leave them): core's key sources only.
    exports dev.tensorseal.nativebridge.internal.pkcs11 to dev.tensorseal.core;
    // The permit for sealing under a caller-chosen nonce: core's alone (see InsecureNonce).
    exports dev.tensorseal.nativebridge.internal.gcm to dev.tensorseal.core;
    // JNA builds a proxy for the library interface and reads its methods reflectively.
    opens dev.tensorseal.nativebridge.internal.jna to com.sun.jna;
}
