package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** The JDK's AES/GCM/NoPadding (HotSpot intrinsics). Tags of 12 to 16 bytes, any non-empty IV. Warmed up by {@link JceWarmUp}. */
final class JceGcmEngine implements GcmEngine {
    private static final int MIN_TAG_BYTES = 12; // the JDK takes 96- to 128-bit tags
    static final JceGcmEngine INSTANCE = new JceGcmEngine();

    /** See {@link JceWarmUp} for why this engine, alone, needs one. */
    @Override
    public long warmUp() {
        return JceWarmUp.once();
    }

    @Override
    public String name() {
        return "jce";
    }

    @Override
    public boolean supportsTagSize(int tagSizeBytes) {
        return AesParams.tagSizeInRange(tagSizeBytes, MIN_TAG_BYTES);
    }

    @Override
    public boolean supportsIvSize(int ivSizeBytes) {
        return ivSizeBytes >= 1;
    }

    @Override
    public InsecureNonceAesGcm newInstance(SecretBytes key, int tagSizeBytes) {
        AesParams.checkKeyAndTag(name(), key.size(), tagSizeBytes, MIN_TAG_BYTES);
        return new Instance(key, tagSizeBytes);
    }

    private static final class Instance implements InsecureNonceAesGcm {
        private final int tagSizeBytes;
        private final Cipher cipher;
        private SecretKeySpec keySpec;
        private byte[] stageIn = new byte[0];
        private byte[] stageOut = new byte[0];

        Instance(SecretBytes key, int tagSizeBytes) {
            this.tagSizeBytes = tagSizeBytes;
            byte[] raw = key.insecureCopy();
            try {
                // SecretKeySpec clones raw; that clone lives on the heap until close() (SECURITY.md).
                this.keySpec = new SecretKeySpec(raw, "AES");
                this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the JDK lacks AES/GCM/NoPadding", e);
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        }

        @Override
        public int tagSizeBytes() {
            return tagSizeBytes;
        }

        @Override
        public void seal(byte[] iv, byte[] aad, MemorySegment plaintext, MemorySegment out) {
            int n = Math.toIntExact(plaintext.byteSize());
            AesParams.checkIv(iv);
            if (out.byteSize() != (long) n + tagSizeBytes) {
                throw new IllegalArgumentException("output must be " + ((long) n + tagSizeBytes) + " bytes, got " + out.byteSize());
            }
            try {
                cipher.init(Cipher.ENCRYPT_MODE, keySpec, new GCMParameterSpec(tagSizeBytes * 8, iv));
                if (aad.length > 0) {
                    cipher.updateAAD(aad);
                }
                if (plaintext.isNative() || out.isNative()) {
                    // Staged: the JDK's fused AES-GCM intrinsic only runs on heap arrays; with direct buffers it
                    // stages internally through unzeroed temporaries and runs at about half speed (BENCHMARKS.md).
                    byte[] in = stage(n, true);
                    byte[] o = stage(n + tagSizeBytes, false);
                    MemorySegment.copy(plaintext, ValueLayout.JAVA_BYTE, 0, in, 0, n);
                    try {
                        cipher.doFinal(in, 0, n, o, 0);
                    } finally {
                        // Only the plaintext side is secret; the ciphertext staging is left as is.
                        Arrays.fill(in, 0, n, (byte) 0);
                    }
                    MemorySegment.copy(o, 0, out, ValueLayout.JAVA_BYTE, 0, n + tagSizeBytes);
                } else {
                    cipher.doFinal(plaintext.asByteBuffer(), out.asByteBuffer());
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("AES-GCM seal failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void open(byte[] iv, byte[] aad, MemorySegment in, MemorySegment out) {
            int pt = plaintextBytes(in);
            if (out.byteSize() != pt) {
                throw new IllegalArgumentException("output must be " + pt + " bytes, got " + out.byteSize());
            }
            decryptStaged(iv, aad, in, out, 0);
        }

        /** Like open, but only the asked-for bytes leave the (zeroed) staging array. */
        @Override
        public void openPart(byte[] iv, byte[] aad, MemorySegment in, long fromBytes, MemorySegment out) {
            java.util.Objects.checkFromIndexSize(fromBytes, out.byteSize(), plaintextBytes(in));
            decryptStaged(iv, aad, in, out, (int) fromBytes);
        }

        /** Like open, but the plaintext stays in the (zeroed) staging array: one copy fewer. */
        @Override
        public void authenticate(byte[] iv, byte[] aad, MemorySegment in) {
            decryptStaged(iv, aad, in, null, 0);
        }

        private int plaintextBytes(MemorySegment in) {
            return Math.toIntExact(AesParams.plaintextBytes(in.byteSize(), tagSizeBytes));
        }

        /**
         * Decrypts {@code in} = ciphertext || tag into the output staging array (the JDK checks the tag
         * before it writes any plaintext there), then copies staging bytes {@code from..+out.byteSize()}
         * to {@code out} ({@code out} null: nothing leaves). The staging array is zeroed whatever happens;
         * {@code out} is zeroed on failure. The ciphertext staging is not secret and is never zeroed.
         */
        private void decryptStaged(byte[] iv, byte[] aad, MemorySegment in, MemorySegment out, int from) {
            AesParams.checkIv(iv);
            int pt = plaintextBytes(in);
            int n = pt + tagSizeBytes;
            byte[] ci = stage(n, true);
            byte[] o = stage(Math.max(pt, 1), false);
            try {
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 0, ci, 0, n);
                cipher.init(Cipher.DECRYPT_MODE, keySpec, new GCMParameterSpec(tagSizeBytes * 8, iv));
                if (aad.length > 0) {
                    cipher.updateAAD(aad);
                }
                cipher.doFinal(ci, 0, n, o, 0);
                if (out != null) {
                    MemorySegment.copy(o, from, out, ValueLayout.JAVA_BYTE, 0, (int) out.byteSize());
                }
            } catch (AEADBadTagException e) {
                zero(out);
                throw new IntegrityException("AES-GCM tag mismatch");
            } catch (GeneralSecurityException e) {
                zero(out);
                throw new IllegalStateException("AES-GCM open failed: " + e.getMessage(), e);
            } finally {
                Arrays.fill(o, 0, Math.max(pt, 1), (byte) 0);
            }
        }

        private static void zero(MemorySegment out) {
            if (out != null) {
                out.fill((byte) 0);
            }
        }

        private byte[] stage(int size, boolean input) {
            if (input) {
                if (stageIn.length < size) {
                    stageIn = new byte[size];
                }
                return stageIn;
            }
            if (stageOut.length < size) {
                stageOut = new byte[size];
            }
            return stageOut;
        }

        @Override
        public void close() {
            Arrays.fill(stageIn, (byte) 0);
            Arrays.fill(stageOut, (byte) 0);
            stageIn = new byte[0];
            stageOut = new byte[0];
            keySpec = null; // SecretKeySpec.destroy() is not implemented by the JDK; drop the reference.
        }
    }
}
