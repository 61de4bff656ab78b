package dev.tensorseal.nativebridge;

/** The OS-memory contract over the ffm binding. */
class FfmSecureMemoryTest extends SecureMemoryContract {
    @Override
    String binding() {
        return "ffm";
    }
}
