/** tensorseal: sealed off-heap tensors. */
// "module": dev-tools, the target of the qualified export below, is built after this module, so javac cannot see it.
@SuppressWarnings("module")
module dev.tensorseal.core {
    requires transitive dev.tensorseal.nativebridge;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires java.net.http;
    requires java.xml.crypto;
    requires tools.jackson.core;
    exports dev.tensorseal;
    // The engines themselves, for the bench's microbenchmark loops in dev-tools (not a library).
    exports dev.tensorseal.internal.crypto to dev.tensorseal.devtools;
    uses dev.tensorseal.RemoteStorage;
}
