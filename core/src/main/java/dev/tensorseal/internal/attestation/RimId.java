package dev.tensorseal.internal.attestation;

import java.util.Locale;

/**
 * Which RIM a report needs: the driver's or the VBIOS's, its version, and its id on NVIDIA's RIM service
 * ({@code NV_GPU_DRIVER_GH100_550.90.07}, {@code NV_GPU_CC_DRIVER_<chip>_<version>} on Blackwell,
 * {@code NV_GPU_VBIOS_<project>_<projectSku>_<chipSku>_<version without dots>}).
 */
record RimId(Kind kind, String version, String serviceId) {
    enum Kind { DRIVER, VBIOS }

    static RimId driver(AttestationReport report) {
        String version = report.opaque().driverVersion()
                .orElseThrow(() -> new CheckFailed("the report carries no driver version"));
        String chip = report.opaque().chipInfo().orElse("");
        String id = chip.isEmpty() ? "NV_GPU_DRIVER_GH100_" + version : "NV_GPU_CC_DRIVER_" + chip.toUpperCase(Locale.ROOT) + "_" + version;
        return new RimId(Kind.DRIVER, version, id);
    }

    static RimId vbios(AttestationReport report) {
        OpaqueData o = report.opaque();
        String version = o.vbiosVersion().orElseThrow(() -> new CheckFailed("the report carries no VBIOS version"));
        String id = "NV_GPU_VBIOS_" + upper(o.project()) + "_" + upper(o.projectSku()) + "_" + upper(o.chipSku()) + "_"
                + version.replace(".", "").toUpperCase(Locale.ROOT);
        return new RimId(Kind.VBIOS, version, id);
    }

    private static String upper(java.util.Optional<String> field) {
        return field.orElseThrow(() -> new CheckFailed("the report lacks the project/SKU ids that name its VBIOS RIM"))
                .toUpperCase(Locale.ROOT);
    }

    /** True when {@code rim} is for this version (NVIDIA prints VBIOS versions in either case). */
    boolean matches(Rim rim) {
        return rim.version().equalsIgnoreCase(version);
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(Locale.ROOT) + " RIM " + serviceId;
    }
}
