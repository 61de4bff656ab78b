/** tensorseal: sealed off-heap tensors. */
module dev.tensorseal.core {
    requires dev.tensorseal.nativebridge;
    requires org.bouncycastle.provider;
    requires tools.jackson.core;
    exports dev.tensorseal;
}
