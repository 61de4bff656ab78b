/** Hardened native memory and GPU access for tensorseal. */
package dev.tensorseal.nativebridge;
