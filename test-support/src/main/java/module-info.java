/** Helpers shared by the modules' test suites (test scope only). */
module dev.tensorseal.testing {
    exports dev.tensorseal.testing;
}
