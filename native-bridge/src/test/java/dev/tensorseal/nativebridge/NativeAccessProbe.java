package dev.tensorseal.nativebridge;

import dev.tensorseal.nativebridge.internal.ossl.Libcrypto;

/** Child-JVM main: what each optional library of the bridge reports in a JVM that may or may not have native access. */
final class NativeAccessProbe {
    private NativeAccessProbe() {}

    public static void main(String[] args) {
        System.out.println("cuda=" + Gpus.probe().driver());
        System.out.println("libcrypto=" + Libcrypto.unavailableReason());
    }
}
