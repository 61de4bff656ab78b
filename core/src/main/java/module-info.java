/** tensorseal: sealed off-heap tensors. */
module dev.tensorseal.core {
    requires transitive dev.tensorseal.nativebridge;
    requires org.bouncycastle.provider;
    requires tools.jackson.core;
    requires java.net.http;
    exports dev.tensorseal;
    uses dev.tensorseal.RemoteStorage;
}
