package dev.tensorseal.internal.attestation;

/** Where RIMs come from: files the caller supplied, or NVIDIA's RIM service over HTTP. */
interface RimSource {
    /** The RIM's XML; throws {@link CheckFailed} when this source has none for {@code id}. */
    byte[] fetch(RimId id);

    /** One line for check reasons: where the RIMs came from. */
    String description();
}
