package dev.tensorseal.internal.attestation;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which RIM a report needs: the driver's or the VBIOS's, its version, the chip it is for, and its id on
 * NVIDIA's RIM service ({@code NV_GPU_DRIVER_GH100_550.90.07}, {@code NV_GPU_CC_DRIVER_<chip>_<version>} on
 * Blackwell, {@code NV_GPU_VBIOS_<project>_<projectSku>_<chipSku>_<version without dots>}).
 *
 * <p>NVIDIA's signed SWID tag names only its version and chip ({@code Meta product}); the board a VBIOS RIM
 * is for (project, project SKU, chip SKU) is named only by where it is found: its service id, or its file
 * name ({@code <project>_<projectSku>_<chipSku>_<version>_*.swidtag}, as NVIDIA ships them). Both are
 * matched; the kind is told from the version's form (a VBIOS version is five two-digit hex groups).
 */
record RimId(Kind kind, String version, String chip, String serviceId, Optional<String> board) {
    enum Kind {
        DRIVER, VBIOS;

        static Kind of(String version) {
            return VBIOS_FORM.matcher(version).matches() ? VBIOS : DRIVER;
        }

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern VBIOS_FORM = Pattern.compile("[0-9a-fA-F]{2}(\\.[0-9a-fA-F]{2}){4}");
    /** The chip Hopper reports imply: they carry no chip name, and every Hopper GPU is a GH100. */
    private static final String HOPPER = "GH100";

    static RimId driver(AttestationReport report) {
        String version = report.opaque().driverVersion()
                .orElseThrow(() -> new CheckFailed("the report carries no driver version"));
        Optional<String> chip = report.opaque().chipInfo().filter(c -> !c.isEmpty()).map(c -> c.toUpperCase(Locale.ROOT));
        String id = chip.map(c -> "NV_GPU_CC_DRIVER_" + c + "_" + version).orElse("NV_GPU_DRIVER_GH100_" + version);
        return new RimId(Kind.DRIVER, version, chip.orElse(HOPPER), id, Optional.empty());
    }

    static RimId vbios(AttestationReport report) {
        OpaqueData o = report.opaque();
        String version = o.vbiosVersion().orElseThrow(() -> new CheckFailed("the report carries no VBIOS version"));
        String board = upper(o.project()) + "_" + upper(o.projectSku()) + "_" + upper(o.chipSku()) + "_"
                + version.replace(".", "").toUpperCase(Locale.ROOT);
        String chip = o.chipInfo().filter(c -> !c.isEmpty()).map(c -> c.toUpperCase(Locale.ROOT)).orElse(HOPPER);
        return new RimId(Kind.VBIOS, version, chip, "NV_GPU_VBIOS_" + board, Optional.of(board));
    }

    private static String upper(Optional<String> field) {
        String value = field.filter(v -> !v.isEmpty())
                .orElseThrow(() -> new CheckFailed("the report lacks the project/SKU ids that name its VBIOS RIM"));
        if (!value.matches("[A-Za-z0-9-]{1,32}")) {
            throw new CheckFailed("the report's project/SKU id '" + value + "' is not a RIM name part");
        }
        return value.toUpperCase(Locale.ROOT);
    }

    /**
     * Why {@code rim}'s signed content is not the one this id asks for (kind, version, chip), or empty when it
     * is. NVIDIA prints VBIOS versions and chip names in either case.
     */
    Optional<String> mismatch(Rim rim) {
        Kind rimKind = Kind.of(rim.version());
        if (rimKind != kind) {
            return Optional.of("it is a " + rimKind.label() + " RIM (version " + rim.version() + "), not a " + kind.label() + " RIM");
        }
        if (!rim.version().equalsIgnoreCase(version)) {
            return Optional.of("it is for version " + rim.version() + ", not " + version);
        }
        if (!rim.product().equalsIgnoreCase(chip)) {
            return Optional.of("it is for chip '" + rim.product() + "', not " + chip);
        }
        return Optional.empty();
    }

    /**
     * True when a RIM found under {@code name} (a file name) is named for this id: any name for a driver RIM,
     * whose content names all it is for; for a VBIOS RIM, NVIDIA's file name for this board and version, or the
     * service id, optionally followed by {@code _} and more, then {@code .swidtag} or {@code .xml}.
     */
    boolean namedBy(String name) {
        if (board.isEmpty()) {
            return true;
        }
        String stem = name.toUpperCase(Locale.ROOT).replaceFirst("\\.(SWIDTAG|XML)$", "");
        for (String expected : new String[] {board.get(), serviceId}) {
            if (stem.equals(expected) || stem.startsWith(expected + "_")) {
                return true;
            }
        }
        return false;
    }

    /** The file name NVIDIA gives this RIM, for messages. */
    String expectedFileName() {
        return board.map(b -> b + "_*.swidtag").orElse("any name");
    }

    @Override
    public String toString() {
        return kind.label() + " RIM " + serviceId;
    }
}
