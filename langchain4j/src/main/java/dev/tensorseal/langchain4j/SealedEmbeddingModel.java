package dev.tensorseal.langchain4j;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.output.Response;
import dev.tensorseal.KeySource;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.TensorStore;
import dev.tensorseal.onnxruntime.SealedOnnx;
import dev.tensorseal.onnxruntime.SealedSession;
import dev.tensorseal.onnxruntime.SealedWeights;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * A LangChain4j {@code EmbeddingModel} over a sealed ONNX BERT model: the same encoder (LangChain4j's
 * {@link OnnxBertBiEncoder}: its tokenizer, truncation and pooling) as the in-process models, with the weights handed
 * to ONNX Runtime from decrypted views ({@link SealedOnnx}). For all-MiniLM-L6-v2 it replaces
 * {@code new AllMiniLmL6V2QuantizedEmbeddingModel()} with one constructor:
 *
 * <pre>{@code
 * EmbeddingModel model = new SealedEmbeddingModel(Path.of("minilm.tseal"), Path.of("tokenizer.json"), key);
 * }</pre>
 *
 * <p>Thread-safe for embedding, as the in-process models are. {@link #close()} (after the last call has returned)
 * closes the session, zeroes the weights and closes the store it opened; it is idempotent, and any call after it throws
 * {@link IllegalStateException}.
 */
public final class SealedEmbeddingModel extends AbstractInProcessEmbeddingModel implements AutoCloseable {
    /** all-MiniLM-L6-v2's embedding size. */
    private static final int MINILM_DIMENSION = 384;

    private final SealedSession session;
    private final OnnxBertBiEncoder encoder;
    private final Integer knownDimension;
    private volatile boolean closed;

    /**
     * all-MiniLM-L6-v2 sealed in {@code sealedModel} (a {@code .tseal} of its {@code .onnx}) with its
     * {@code tokenizer.json}: mean pooling and 384 dimensions, as {@code AllMiniLmL6V2QuantizedEmbeddingModel}.
     */
    public SealedEmbeddingModel(Path sealedModel, Path tokenizer, KeySource key) throws IOException {
        this(sealedModel, tokenizer, key, PoolingMode.MEAN, null, MINILM_DIMENSION);
    }

    /**
     * Any BERT-style model sealed in {@code sealedModel}, as LangChain4j's {@code OnnxEmbeddingModel} takes it;
     * {@code executor} (null: LangChain4j's default) runs batches in parallel. The dimension is learnt on first use.
     */
    public SealedEmbeddingModel(Path sealedModel, Path tokenizer, KeySource key, PoolingMode pooling, Executor executor)
            throws IOException {
        this(sealedModel, tokenizer, key, pooling, executor, null);
    }

    /**
     * all-MiniLM-L6-v2 from {@code store}, opened by the caller from its sealed {@code .onnx} with the plaintext budget,
     * engine and settings the caller chose; the store stays the caller's to close, after this model.
     */
    public SealedEmbeddingModel(TensorStore store, Path tokenizer) throws IOException {
        this(env -> SealedOnnx.createSession(env, store, null), "the store", tokenizer, PoolingMode.MEAN, null, MINILM_DIMENSION);
    }

    private SealedEmbeddingModel(Path sealedModel, Path tokenizer, KeySource key, PoolingMode pooling, Executor executor,
            Integer dimension) throws IOException {
        this(env -> SealedOnnx.createSession(env, sealedModel, key, null), sealedModel.getFileName().toString(), tokenizer, pooling,
                executor, dimension);
    }

    private interface SessionFactory {
        SealedSession create(OrtEnvironment env) throws IOException, OrtException;
    }

    private SealedEmbeddingModel(SessionFactory sessions, String source, Path tokenizer, PoolingMode pooling, Executor executor,
            Integer dimension) throws IOException {
        super(executor);
        this.knownDimension = dimension;
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try {
            this.session = sessions.create(env);
        } catch (OrtException e) {
            throw new TensorSealException(source + ": ONNX Runtime refused the sealed model: " + e.getMessage(), e);
        }
        try (InputStream in = Files.newInputStream(tokenizer)) {
            this.encoder = new OnnxBertBiEncoder(env, session.session(), in, pooling);
        } catch (IOException | RuntimeException | Error e) {
            session.close();
            throw e;
        }
    }

    @Override
    protected OnnxBertBiEncoder model() {
        requireOpen();
        return encoder;
    }

    @Override
    protected Integer knownDimension() {
        return knownDimension;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        requireOpen();
        return super.embedAll(segments);
    }

    /** The weights the session runs on (their OnnxTensors do not own their buffers: nothing was copied). */
    public SealedWeights weights() {
        requireOpen();
        return session.weights();
    }

    /** Closes the session, then its tensors and views (zeroed) and the store. Idempotent. */
    @Override
    public void close() {
        closed = true;
        session.close();
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this sealed embedding model is closed");
        }
    }
}
