package dev.tensorseal.internal.keys;

import dev.tensorseal.KeySource;

/**
 * A key source that releases another's key under a condition (confidential computing, verified attestation): a
 * save looks through it to find what the key came from, e.g. a passphrase whose Argon2id parameters and salt the
 * file must record.
 */
public interface DelegatingKeySource extends KeySource {
    /** The source whose key this one releases. */
    KeySource delegate();
}
