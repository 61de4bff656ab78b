package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Asks an OCSP responder over HTTP (POST, {@code application/ocsp-request}) with a fresh nonce per request. */
final class HttpOcspSource implements RevocationSource {
    static final URI NVIDIA_OCSP = URI.create("https://ocsp.ndis.nvidia.com/");
    private static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final URI responder;
    private final HttpClient client;
    private final Duration timeout;

    HttpOcspSource(URI responder, Duration timeout) {
        this.responder = responder;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String check(X509Certificate cert, X509Certificate issuer, Instant at) {
        Optional<byte[]> nonce = Optional.of(Nonces.fresh());
        byte[] request = Ocsp.request(Ocsp.id(cert, issuer), nonce);
        HttpResponse<byte[]> response;
        try {
            response = client.send(HttpRequest.newBuilder(responder).timeout(timeout)
                    .header("Content-Type", "application/ocsp-request")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CheckFailed("the OCSP responder " + responder + " could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckFailed("interrupted while asking the OCSP responder");
        }
        if (response.statusCode() != 200) {
            throw new CheckFailed("the OCSP responder " + responder + " answered HTTP " + response.statusCode());
        }
        if (response.body().length > MAX_RESPONSE_BYTES) {
            throw new CheckFailed("the OCSP response is larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
        return Ocsp.verify(response.body(), cert, issuer, at, nonce);
    }

    @Override
    public String description() {
        return "OCSP responder " + responder;
    }
}
