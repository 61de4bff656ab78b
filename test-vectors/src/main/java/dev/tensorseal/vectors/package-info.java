/** Typed loaders for NIST CAVP, RFC and Wycheproof test vectors. */
package dev.tensorseal.vectors;
