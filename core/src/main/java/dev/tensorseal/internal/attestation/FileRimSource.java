package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** RIMs from files the caller supplied (offline verification): the one whose version matches is used. */
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
            if (id.matches(rim)) {
                if (match != null) {
                    throw new CheckFailed("two RIM files are for " + id.kind().name().toLowerCase() + " version " + id.version());
                }
                match = xml;
            }
            seen.add(rim.version());
        }
        if (match == null) {
            throw new CheckFailed("no supplied RIM is for " + id.kind().name().toLowerCase() + " version " + id.version()
                    + " (supplied: " + (seen.isEmpty() ? "none" : String.join(", ", seen)) + ")");
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
