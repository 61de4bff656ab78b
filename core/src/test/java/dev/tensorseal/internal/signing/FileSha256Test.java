package dev.tensorseal.internal.signing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The header digest a signature check pins is taken from the same read as the file digest, across read buffers. */
class FileSha256Test {
    @TempDir Path dir;

    private static byte[] fileWithHeaderOf(int headerBytes, int totalBytes) {
        byte[] b = new byte[totalBytes];
        new Random(headerBytes).nextBytes(b);
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(12, headerBytes);
        return b;
    }

    private static byte[] sha256(byte[] b) throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256").digest(b);
    }

    @Test
    void theHeaderDigestCoversExactlyTheHeaderAndItsMacWhereverTheBufferBoundsFall() throws Exception {
        // Header and MAC ending before, across and after the 1 MiB read buffer's first boundary, and at the end.
        int[][] cases = {{120, 4096}, {(1 << 20) - 40, 3 << 20}, {(1 << 20) - 32, 3 << 20}, {(2 << 20) + 5, 3 << 20},
                {(3 << 20) - 32, 3 << 20}};
        for (int[] c : cases) {
            byte[] bytes = fileWithHeaderOf(c[0], c[1]);
            Path f = Files.write(dir.resolve("f" + c[0]), bytes);
            FileSha256.Digests d = FileSha256.read(f);
            assertArrayEquals(sha256(bytes), d.fileSha256(), "file digest, header " + c[0]);
            assertArrayEquals(sha256(Arrays.copyOf(bytes, c[0] + 32)), d.headerDigest(), "header digest, header " + c[0]);
        }
    }

    @Test
    void aFileShorterThanTheHeaderItDeclaresHasNoHeaderDigest() throws IOException {
        assertNull(FileSha256.read(Files.write(dir.resolve("short"), fileWithHeaderOf(4096, 4096 + 31))).headerDigest());
        assertNull(FileSha256.read(Files.write(dir.resolve("tiny"), new byte[15])).headerDigest());
    }
}
