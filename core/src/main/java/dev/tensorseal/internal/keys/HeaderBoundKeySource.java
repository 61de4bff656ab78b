package dev.tensorseal.internal.keys;

import dev.tensorseal.KeySource;
import java.util.List;

/**
 * A key source whose key is in the file it opens: a recipient identity opens its entry of the header's recipient
 * list. An open hands it the (not yet authenticated) list; the key it yields is then checked like any other (key
 * check, header MAC), so a forged list gives a wrong key, never a forged header.
 */
public interface HeaderBoundKeySource extends KeySource {
    /**
     * The master secret and recipient list of the file {@code fileId} whose recipient entries are {@code stanzas}.
     *
     * @throws dev.tensorseal.IntegrityException when no entry opens with this source's key (wrong key, or edited)
     */
    RecipientsKey keyFor(List<RecipientStanza> stanzas, byte[] fileId, String source);
}
