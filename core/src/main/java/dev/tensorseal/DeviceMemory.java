package dev.tensorseal;

import dev.tensorseal.nativebridge.DeviceBuffer;

/**
 * A device tensor's memory, as its owner sees it: an address, and a close that zeroes and frees it. The seam between
 * the ownership logic ({@link DeviceTensorOwner}) and the driver: production memory is a {@link DeviceBuffer};
 * tests of the ownership logic use memory that records what was done to it, with no driver.
 */
interface DeviceMemory {
    /** The {@code CUdeviceptr} of the first byte. */
    long address();

    /** The driver's buffer, for the session's own copies and launches; null only in driverless tests. */
    DeviceBuffer buffer();

    /** Zeroes, waits, frees (the context must be alive). Throws, leaving the memory unfreed, if the zeroing fails. */
    void zeroAndFree();

    static DeviceMemory of(DeviceBuffer b) {
        return new DeviceMemory() {
            @Override
            public long address() {
                return b.address();
            }

            @Override
            public DeviceBuffer buffer() {
                return b;
            }

            @Override
            public void zeroAndFree() {
                b.close();
            }
        };
    }
}
