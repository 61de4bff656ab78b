package dev.tensorseal.internal.keys;

import dev.tensorseal.KeySource;
import dev.tensorseal.UnsupportedParameterException;
import dev.tensorseal.internal.crypto.SecretBytes;
import java.lang.foreign.MemorySegment;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A file's master secret together with the recipients it is sealed to, as {@link dev.tensorseal.internal.tseal.PassphraseKey}
 * is a key with its Argon2id parameters: a file saved under it records one HPKE entry per recipient. The secret is
 * random per file ({@link #fresh}), or the one an identity opened ({@link HeaderBoundKeySource}); it is held off-heap.
 */
public final class RecipientsKey implements KeySource {
    private final SecretBytes master;
    private final List<RecipientKey> recipients;
    private final int foreignEntries;

    private RecipientsKey(SecretBytes master, List<RecipientKey> recipients, int foreignEntries) {
        this.master = master;
        this.recipients = List.copyOf(recipients);
        this.foreignEntries = foreignEntries;
    }

    /** A new random master secret for {@code recipients} (at least one; no key twice). */
    public static RecipientsKey fresh(List<RecipientKey> recipients) {
        return new RecipientsKey(SecretBytes.random(KEY_BYTES, new SecureRandom()), distinct(recipients), 0);
    }

    /** A master secret an identity opened (ownership passes); {@code foreignEntries}: entries of types not understood. */
    static RecipientsKey opened(SecretBytes master, List<RecipientKey> recipients, int foreignEntries) {
        return new RecipientsKey(master, recipients, foreignEntries);
    }

    private static List<RecipientKey> distinct(List<RecipientKey> recipients) {
        if (recipients.isEmpty()) {
            throw new UnsupportedParameterException("at least one recipient is needed");
        }
        if (recipients.size() > RecipientStanza.MAX_STANZAS) {
            throw new UnsupportedParameterException(recipients.size() + " recipients: at most " + RecipientStanza.MAX_STANZAS);
        }
        Set<RecipientKey> seen = new LinkedHashSet<>(recipients);
        if (seen.size() != recipients.size()) {
            throw new UnsupportedParameterException("a recipient is given twice");
        }
        return new ArrayList<>(seen);
    }

    /**
     * The recipients after adding {@code add} and removing {@code remove}: with nothing removed, the file's own master
     * secret {@code fileMaster} (copied; only the header changes); with a recipient removed, a fresh one, so what is
     * written afterwards is out of the removed recipient's reach.
     *
     * @throws UnsupportedParameterException when one to remove is not a recipient, one to add already is, or none remain
     */
    public RecipientsKey changed(List<RecipientKey> add, List<RecipientKey> remove, SecretBytes fileMaster) {
        requireNoForeignEntries();
        List<RecipientKey> next = new ArrayList<>(recipients);
        for (RecipientKey r : remove) {
            if (!next.remove(r)) {
                throw new UnsupportedParameterException("cannot remove " + r.text() + ": it is not a recipient of this file");
            }
        }
        for (RecipientKey r : add) {
            if (next.contains(r)) {
                throw new UnsupportedParameterException("cannot add " + r.text() + ": it is already a recipient of this file");
            }
            next.add(r);
        }
        if (next.isEmpty()) {
            throw new UnsupportedParameterException("removing every recipient would leave a file no key opens");
        }
        return remove.isEmpty()
                ? new RecipientsKey(SecretBytes.copyOf(fileMaster.insecureSegment()), distinct(next), foreignEntries)
                : fresh(next);
    }

    /** The recipients, in the order their entries are written. */
    public List<RecipientKey> recipients() {
        return recipients;
    }

    /**
     * The entries for a file {@code fileId} whose master secret is {@code fileMaster} (a save writes the store's own
     * copy of it), one per recipient, each under a fresh ephemeral key.
     *
     * @throws UnsupportedParameterException when the file this came from had entries of a type this build cannot
     *         re-create (their holders would be locked out)
     */
    public List<RecipientStanza> stanzas(SecretBytes fileMaster, byte[] fileId) {
        requireNoForeignEntries();
        List<RecipientStanza> out = new ArrayList<>();
        for (RecipientKey r : recipients) {
            out.add(HpkeStanza.wrap(r, fileMaster, fileId));
        }
        return out;
    }

    private void requireNoForeignEntries() {
        if (foreignEntries > 0) {
            throw new UnsupportedParameterException("the file has " + foreignEntries + " recipient entr"
                    + (foreignEntries == 1 ? "y" : "ies") + " of a type this build cannot write: not rewritten");
        }
    }

    @Override
    public void writeKey(MemorySegment destination) {
        MemorySegment.copy(master.insecureSegment(), 0, destination, 0, KEY_BYTES);
    }

    @Override
    public String description() {
        return recipients.size() == 1 ? "1 recipient" : recipients.size() + " recipients";
    }

    /** Zeroes the master secret; the recipient list (public) stays readable. Idempotent. */
    @Override
    public void close() {
        master.close();
    }
}
