package dev.tensorseal.internal.tseal;

import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.internal.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes the golden fixtures in core/src/test/resources/golden: the expected tensors (expected.safetensors), a
 * test-only key (test.key, bytes 0..31) and passphrase, and two .tseal files sealed from them. Rerun only when the
 * format changes on purpose: {@code java -cp ... dev.tensorseal.internal.tseal.GoldenFixtures core/src/test/resources/golden}.
 */
public final class GoldenFixtures {
    static final String PASSPHRASE = "tensorseal golden passphrase";

    private GoldenFixtures() {}

    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]));
    }

    static void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path expected = dir.resolve("expected.safetensors");
        Files.deleteIfExists(expected);
        try (FileChannel ch = FileChannel.open(expected, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // w spans two 64 KiB chunks (the last one short); s is a scalar; e is empty.
            var w = new SafetensorsWriter(ch, List.of(new SafetensorsWriter.Declared("w", "F32", new long[] {80, 220}),
                    new SafetensorsWriter.Declared("b", "I8", new long[] {3}),
                    new SafetensorsWriter.Declared("s", "F16", new long[] {}),
                    new SafetensorsWriter.Declared("e", "F32", new long[] {0})), Map.of("format", "pt"));
            byte[] data = new byte[80 * 220 * 4 + 3 + 2];
            new Random(2024).nextBytes(data);
            w.write(ByteBuffer.wrap(data));
            w.finish();
        }
        byte[] key = new byte[KeySource.KEY_BYTES];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        Files.write(dir.resolve("test.key"), key);
        Files.writeString(dir.resolve("test.passphrase"), PASSPHRASE + "\n", StandardCharsets.UTF_8);
        try (KeySource k = KeySource.file(dir.resolve("test.key"))) {
            SealedFile.importSafetensors(expected, k, dir.resolve("raw-key.tseal"));
        }
        try (KeySource k = SealedFile.newPassphraseKey(PASSPHRASE.toCharArray())) {
            SealedFile.importSafetensors(expected, k, dir.resolve("passphrase.tseal"));
        }
    }
}
