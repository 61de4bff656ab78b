/**
 * tensorseal for ONNX Runtime: sessions over sealed models. ONNX Runtime's jar is an automatic module, and its
 * types ({@code OrtSession}, {@code OnnxTensor}) are in this module's API, so it is required transitively.
 */
@SuppressWarnings("requires-transitive-automatic")
module dev.tensorseal.onnxruntime {
    requires transitive dev.tensorseal.core;
    requires transitive com.microsoft.onnxruntime;
    exports dev.tensorseal.onnxruntime;
}
