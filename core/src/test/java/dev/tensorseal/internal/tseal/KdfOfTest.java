package dev.tensorseal.internal.tseal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.tensorseal.KeySource;
import dev.tensorseal.internal.keys.DelegatingKeySource;
import dev.tensorseal.internal.keys.PassphraseKey;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** A save finds a passphrase's Argon2id parameters through the library's conditional key sources. */
class KdfOfTest {
    private record Wrapper(KeySource delegate) implements DelegatingKeySource {
        @Override
        public void writeKey(MemorySegment destination) {
            delegate.writeKey(destination);
        }

        @Override
        public String description() {
            return "released " + delegate.description();
        }
    }

    @Test
    void aPassphraseKeyBehindTheLibrarysOwnWrappersStillGivesItsParameters() {
        try (PassphraseKey pass = PassphraseKey.fresh("correct horse battery".toCharArray())) {
            assertArrayEquals(pass.params().salt(), TsealFiles.kdfOf(pass).salt());
            KdfParams deep = TsealFiles.kdfOf(new Wrapper(new Wrapper(pass)));
            assertArrayEquals(pass.params().salt(), deep.salt(), "two wrappers deep");
            assertEquals(pass.params().memoryKiB(), deep.memoryKiB());
        }
        try (KeySource raw = KeySource.bytes(new byte[32])) {
            assertNull(TsealFiles.kdfOf(new Wrapper(raw)), "a raw key behind a wrapper is a raw key");
        }
    }
}
