package dev.tensorseal.internal.keys;

import dev.tensorseal.IntegrityException;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recipient's private key, loaded once from its {@link IdentityFile} into key memory and zeroed on close. It has
 * no key of its own to give: it opens its entry of a file's recipient list ({@link HeaderBoundKeySource}).
 */
public final class IdentityKeySource implements HeaderBoundKeySource {
    private final Path path;
    private final HpkeSuite suite;
    private final SecretBytes privateKey;
    private final RecipientKey recipient;

    public IdentityKeySource(Path path) {
        IdentityFile.Loaded loaded = IdentityFile.read(path);
        this.path = path;
        this.suite = loaded.suite();
        this.privateKey = loaded.privateKey();
        try {
            this.recipient = new RecipientKey(suite, Hpke.publicKeyOf(suite, privateKey));
        } catch (RuntimeException e) {
            privateKey.close();
            throw e;
        }
    }

    /** The public key that files are sealed to for this identity. */
    public RecipientKey recipient() {
        return recipient;
    }

    @Override
    public RecipientsKey keyFor(List<RecipientStanza> stanzas, byte[] fileId, String source) {
        List<RecipientKey> all = new ArrayList<>();
        HpkeStanza mine = null;
        int foreign = 0;
        for (int i = 0; i < stanzas.size(); i++) {
            RecipientStanza s = stanzas.get(i);
            if (s.type() != RecipientStanza.TYPE_HPKE) {
                foreign++; // another wrapping (a token, a KMS): not this identity's, kept count of for a rewrite
                continue;
            }
            HpkeStanza h = HpkeStanza.parse(s, i, source);
            all.add(h.recipient());
            if (mine == null && h.recipient().equals(recipient)) {
                mine = h;
            }
        }
        if (mine == null) {
            throw new IntegrityException(source + ": wrong key: " + description() + " is not one of the file's "
                    + stanzas.size() + " recipient(s)");
        }
        SecretBytes master;
        try {
            master = mine.open(privateKey, fileId);
        } catch (IntegrityException e) {
            throw new IntegrityException(source + ": " + description() + ": its recipient entry does not open (" + e.getMessage() + ")");
        }
        return RecipientsKey.opened(master, all, foreign);
    }

    @Override
    public void writeKey(MemorySegment destination) {
        throw new UnsupportedParameterException(description() + " is a recipient identity: it opens files sealed to"
                + " recipients (seal with --recipient), not files sealed under a key or passphrase");
    }

    @Override
    public String description() {
        return "identity file " + path + " (" + suite.name() + ")";
    }

    @Override
    public void close() {
        privateKey.close();
    }
}
