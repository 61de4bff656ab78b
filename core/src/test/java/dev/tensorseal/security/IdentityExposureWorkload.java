package dev.tensorseal.security;

import dev.tensorseal.DType;
import dev.tensorseal.KeySource;
import dev.tensorseal.SealedFile;
import dev.tensorseal.TensorStore;
import dev.tensorseal.TensorView;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.List;

/**
 * Child JVM of {@link IdentityExposureTest}: makes an identity, seals a file to it, opens the file {@link #OPENS}
 * times with it, prints {@code KEY addr bytes} (where the identity's private key lives in key memory) and
 * {@code READY opened}, waits for a line, runs a GC, prints {@code READY after-gc}, waits for a line and exits.
 */
public final class IdentityExposureWorkload {
    static final int OPENS = 20;

    private IdentityExposureWorkload() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Path identity = dir.resolve("exposure.id");
        Path file = dir.resolve("exposure-recipients.tseal");
        String pub = SealedFile.newIdentity(identity, "x25519");
        try (KeySource key = KeySource.recipients(List.of(pub)); TensorStore s = TensorStore.builder().keySource(key).build()) {
            s.put("w", DType.U8, new long[] {64}, new byte[64]);
            SealedFile.save(s, file);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        try (KeySource id = KeySource.identity(identity)) {
            for (int i = 0; i < OPENS; i++) {
                try (TensorStore s = SealedFile.open(file, id); TensorView v = s.read("w")) {
                    if (v.byteSize() != 64) {
                        throw new AssertionError("read back " + v.byteSize() + " bytes");
                    }
                }
            }
            java.lang.reflect.Field f = id.getClass().getDeclaredField("privateKey");
            f.setAccessible(true);
            MemorySegment sk = ((SecretBytes) f.get(id)).insecureSegment();
            System.out.println("KEY " + sk.address() + " " + sk.byteSize());
            System.out.println("READY opened");
            in.readLine();
            System.gc();
            System.out.println("READY after-gc");
            in.readLine();
        }
    }
}
