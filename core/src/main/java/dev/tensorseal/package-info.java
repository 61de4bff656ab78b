/** tensorseal's public API: sealed tensor stores, views, key sources and .tseal files. */
package dev.tensorseal;
