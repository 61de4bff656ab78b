/** Helpers shared by the modules' test suites (test scope only). */
module dev.tensorseal.testing {
    requires org.junit.jupiter.api;
    exports dev.tensorseal.testing;
}
