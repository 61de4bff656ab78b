/** Native bridge: OS memory hardening (FFM and JNA), CUDA driver and NVML bindings. */
module dev.tensorseal.nativebridge {
    requires com.sun.jna;
    exports dev.tensorseal.nativebridge;
}
