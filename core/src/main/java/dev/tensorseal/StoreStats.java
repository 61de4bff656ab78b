package dev.tensorseal;

/**
 * A store's counters at one moment.
 *
 * @param tensors                 tensors in the store
 * @param sealedBytes             ciphertext plus tags held for the current state of every tensor
 * @param openViews               views not yet closed
 * @param plaintextBytesInUse     plaintext scratch held by open views (counted against the budget)
 * @param peakPlaintextBytes      the most plaintext ever held at once
 * @param plaintextBudgetBytes    the budget
 */
public record StoreStats(int tensors, long sealedBytes, int openViews, long plaintextBytesInUse,
                         long peakPlaintextBytes, long plaintextBudgetBytes) {}
