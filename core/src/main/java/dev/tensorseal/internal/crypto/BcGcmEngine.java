package dev.tensorseal.internal.crypto;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.TensorSealException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * Bouncy Castle's lightweight AES-GCM (pure Java). Tags of 4 to 16 bytes (BC: 32 to 128 bits in
 * steps of 8), any non-empty IV. BC's decryption hands out plaintext before it has checked the
 * tag, so {@code open} decrypts into a private scratch array and copies out only after the tag
 * verified; the scratch is zeroed either way.
 */
final class BcGcmEngine implements GcmEngine {
    private static final int MIN_TAG_BYTES = 4; // Bouncy Castle takes 32- to 128-bit tags
    static final BcGcmEngine INSTANCE = new BcGcmEngine();

    @Override
    public String name() {
        return "bc";
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
        private final GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
        /**
         * Our heap copy of the key, until the first init has expanded it into BC's key schedule;
         * then zeroed (BC's lastKey is this same array, so its copy is zeroed with it).
         */
        private KeyParameter keyParam;
        private boolean closed;
        private byte[] stageIn = new byte[0];
        private byte[] stageOut = new byte[0];

        Instance(SecretBytes key, int tagSizeBytes) {
            this.tagSizeBytes = tagSizeBytes;
            byte[] raw = key.insecureCopy();
            try {
                this.keyParam = new KeyParameter(raw); // copies raw
            } finally {
                Arrays.fill(raw, (byte) 0);
            }
        }

        @Override
        public int tagSizeBytes() {
            return tagSizeBytes;
        }

        /**
         * Keys the cipher on first use only: later inits pass a null key so BC reuses its key
         * schedule and hash tables instead of copying the key again.
         */
        private void init(boolean forEncryption, byte[] iv, byte[] aad) {
            AesParams.checkIv(iv);
            if (closed) {
                throw new IllegalStateException("AES-GCM instance is closed");
            }
            try {
                cipher.init(forEncryption, new AEADParameters(keyParam, tagSizeBytes * 8, iv, aad));
            } catch (IllegalArgumentException e) {
                // BC refuses to encrypt twice in a row under one key and nonce.
                throw new TensorSealException("AES-GCM (bc) refused the parameters: " + e.getMessage());
            }
            if (keyParam != null) {
                // KeyParameter.getKey() is BC's own array, not a copy: zero it in place.
                Arrays.fill(keyParam.getKey(), (byte) 0);
                keyParam = null;
            }
        }

        @Override
        public void seal(byte[] iv, byte[] aad, MemorySegment plaintext, MemorySegment out) {
            int n = Math.toIntExact(plaintext.byteSize());
            if (out.byteSize() != (long) n + tagSizeBytes) {
                throw new IllegalArgumentException("output must be " + ((long) n + tagSizeBytes) + " bytes, got " + out.byteSize());
            }
            init(true, iv, aad);
            byte[] in = stage(n, true);
            byte[] o = stage(n + tagSizeBytes, false);
            try {
                MemorySegment.copy(plaintext, ValueLayout.JAVA_BYTE, 0, in, 0, n);
                int len = cipher.processBytes(in, 0, n, o, 0);
                len += cipher.doFinal(o, len);
                if (len != n + tagSizeBytes) {
                    throw new IllegalStateException("bc GCM wrote " + len + " bytes, expected " + (n + tagSizeBytes));
                }
                MemorySegment.copy(o, 0, out, ValueLayout.JAVA_BYTE, 0, len);
            } catch (InvalidCipherTextException e) {
                throw new IllegalStateException("bc GCM failed to seal: " + e.getMessage(), e);
            } finally {
                Arrays.fill(in, 0, n, (byte) 0);
                Arrays.fill(o, 0, n + tagSizeBytes, (byte) 0);
            }
        }

        @Override
        public void open(byte[] iv, byte[] aad, MemorySegment in, MemorySegment out) {
            int n = Math.toIntExact(in.byteSize());
            if (n < tagSizeBytes) {
                out.fill((byte) 0);
            }
            int pt = (int) AesParams.plaintextBytes(n, tagSizeBytes);
            if (out.byteSize() != pt) {
                throw new IllegalArgumentException("output must be " + pt + " bytes, got " + out.byteSize());
            }
            init(false, iv, aad);
            byte[] ci = stage(n, true);
            byte[] scratch = stage(pt, false);
            boolean verified = false;
            try {
                MemorySegment.copy(in, ValueLayout.JAVA_BYTE, 0, ci, 0, n);
                int len = cipher.processBytes(ci, 0, n, scratch, 0);
                len += cipher.doFinal(scratch, len); // throws on a bad tag, before we release anything
                if (len != pt) {
                    throw new IllegalStateException("bc GCM wrote " + len + " bytes, expected " + pt);
                }
                verified = true;
                MemorySegment.copy(scratch, 0, out, ValueLayout.JAVA_BYTE, 0, pt);
            } catch (InvalidCipherTextException e) {
                throw new IntegrityException("AES-GCM tag mismatch");
            } finally {
                if (!verified) {
                    out.fill((byte) 0);
                }
                Arrays.fill(ci, 0, n, (byte) 0);
                Arrays.fill(scratch, 0, pt, (byte) 0);
            }
        }

        private byte[] stage(int size, boolean input) {
            if (input) {
                if (stageIn.length < size) {
                    Arrays.fill(stageIn, (byte) 0);
                    stageIn = new byte[size];
                }
                return stageIn;
            }
            if (stageOut.length < size) {
                Arrays.fill(stageOut, (byte) 0);
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
            closed = true;
            if (keyParam != null) {
                Arrays.fill(keyParam.getKey(), (byte) 0);
                keyParam = null;
            }
            // BC offers no way to wipe the AES round keys or the GHASH tables; reset() drops the
            // per-message state, and the schedule becomes garbage with this object (SECURITY.md).
            cipher.reset();
        }
    }
}
