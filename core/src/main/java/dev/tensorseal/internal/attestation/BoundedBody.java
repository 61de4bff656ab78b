package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.util.OptionalLong;

/**
 * Reads an HTTP answer's body as a stream up to a limit and refuses it past the limit, so a huge or endless
 * body from a server (the transport is not trusted) costs at most the limit in memory and time.
 */
final class BoundedBody {
    private BoundedBody() {}

    static HttpResponse.BodyHandler<InputStream> handler() {
        return HttpResponse.BodyHandlers.ofInputStream();
    }

    /**
     * The body of {@code response}, at most {@code maxBytes}; throws {@link CheckFailed} naming {@code what} when
     * it is longer (announced or actual) or cannot be read. Closes the body in every case.
     */
    static byte[] read(HttpResponse<InputStream> response, int maxBytes, String what) {
        try (InputStream in = response.body()) {
            OptionalLong announced = response.headers().firstValueAsLong("Content-Length");
            if (announced.isPresent() && announced.getAsLong() > maxBytes) {
                throw tooLarge(what, maxBytes, announced.getAsLong() + " bytes announced");
            }
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw tooLarge(what, maxBytes, "more sent");
            }
            return body;
        } catch (IOException e) {
            throw new CheckFailed("reading " + what + " failed: " + e.getMessage());
        }
    }

    /** Closes an answer's body unread (a refused status), so its connection is not left half-read. */
    static void discard(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException e) {
            // nothing was wanted from it
        }
    }

    private static CheckFailed tooLarge(String what, int maxBytes, String seen) {
        return new CheckFailed(what + " is larger than the limit of " + maxBytes + " bytes (" + seen + "); refused unread");
    }
}
