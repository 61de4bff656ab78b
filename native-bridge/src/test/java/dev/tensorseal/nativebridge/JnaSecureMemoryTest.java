package dev.tensorseal.nativebridge;

/** The OS-memory contract over the jna binding. */
class JnaSecureMemoryTest extends SecureMemoryContract {
    @Override
    String binding() {
        return "jna";
    }
}
