/** tensorseal for ONNX Runtime: sessions over sealed models. */
module dev.tensorseal.onnxruntime {
    requires transitive dev.tensorseal.core;
    requires transitive com.microsoft.onnxruntime;
    exports dev.tensorseal.onnxruntime;
}
