package dev.tensorseal.internal.remote;

import java.lang.foreign.MemorySegment;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body written straight into {@code target} (the reader's private buffer), counting what arrives.
 * More bytes than {@code target} holds stop the body (counted, not written). Once {@link #abandon()} returns,
 * nothing writes {@code target} again: a request given up on (stalled, cancelled) cannot change bytes that a
 * retry filled and an engine is authenticating.
 */
final class RangeBody implements HttpResponse.BodySubscriber<Long> {
    private final MemorySegment target;
    private final CompletableFuture<Long> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private long received;
    private boolean abandoned;

    RangeBody(MemorySegment target) {
        this.target = target;
    }

    /** Bytes received so far (those past the target's end included). */
    synchronized long received() {
        return received;
    }

    /** Stops writing {@code target}, for good; cancels the body. */
    void abandon() {
        Flow.Subscription s;
        synchronized (this) {
            abandoned = true;
            s = subscription;
        }
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public CompletionStage<Long> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        synchronized (this) {
            subscription = s;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        boolean overflow = false;
        synchronized (this) {
            for (ByteBuffer b : items) {
                int n = b.remaining();
                if (!abandoned && received + n <= target.byteSize()) {
                    MemorySegment.copy(MemorySegment.ofBuffer(b), 0, target, received, n);
                } else {
                    overflow = !abandoned;
                }
                received += n;
            }
        }
        if (overflow) {
            abandon(); // longer than asked for: the length check fails it, no need to read the rest
            result.complete(received());
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(received());
    }
}
