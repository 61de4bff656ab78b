package dev.tensorseal.djl;

import ai.djl.onnxruntime.engine.OrtNDManager;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.onnxruntime.OrtSession;

/**
 * DJL's ONNX Runtime block over a session that a {@code SealedSession} owns: closing the model closes this block,
 * which must not close the session (the SealedSession does, once, before it closes the weights under it).
 */
final class BorrowedSessionBlock extends OrtSymbolBlock {
    BorrowedSessionBlock(OrtSession session, OrtNDManager manager) {
        super(session, manager);
    }

    @Override
    public void close() {
        // the SealedSession closes the session
    }
}
