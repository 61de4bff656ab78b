package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * RIMs from files the caller supplied (offline verification): the one whose content is for the wanted kind,
 * version and chip, and, for a VBIOS RIM, whose file name names the board (see {@link RimId#namedBy}), is used.
 */
final class FileRimSource implements RimSource {
    private final List<Path> files;

    FileRimSource(List<Path> files) {
        this.files = List.copyOf(files);
    }

    @Override
    public byte[] fetch(RimId id) {
        List<String> seen = new ArrayList<>();
        byte[] match = null;
        for (Path file : files) {
            byte[] xml = read(file);
            Rim rim = Rim.parse(xml, "RIM file " + file);
            Optional<String> mismatch = id.mismatch(rim);
            String name = file.getFileName() == null ? "" : file.getFileName().toString();
            if (mismatch.isEmpty() && !id.namedBy(name)) {
                mismatch = Optional.of("its name is not NVIDIA's for this board (" + id.expectedFileName() + ")");
            }
            if (mismatch.isEmpty()) {
                if (match != null) {
                    throw new CheckFailed("two RIM files are for " + id.kind().label() + " version " + id.version());
                }
                match = xml;
            }
            seen.add(name + ": " + mismatch.orElse("matches"));
        }
        if (match == null) {
            throw new CheckFailed("no supplied RIM is for " + id.kind().label() + " version " + id.version() + " ("
                    + id.serviceId() + "; supplied: " + (seen.isEmpty() ? "none" : String.join("; ", seen)) + ")");
        }
        return match;
    }

    private static byte[] read(Path file) {
        try {
            if (Files.size(file) > Rim.MAX_RIM_BYTES) {
                throw new EvidenceFormatException("RIM file " + file + " is larger than " + Rim.MAX_RIM_BYTES + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read RIM file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String description() {
        return files.size() + " RIM file(s)";
    }
}
