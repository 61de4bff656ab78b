/** tensorseal: sealed off-heap tensors. */
module dev.tensorseal.core {
    requires transitive dev.tensorseal.nativebridge;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires java.net.http;
    requires java.xml.crypto;
    requires tools.jackson.core;
    exports dev.tensorseal;
    uses dev.tensorseal.RemoteStorage;
}
