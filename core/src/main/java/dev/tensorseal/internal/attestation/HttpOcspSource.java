package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Asks an OCSP responder over HTTP (POST, {@code application/ocsp-request}) with a fresh nonce per request;
 * the answer is read up to {@link #MAX_RESPONSE_BYTES} and refused past it.
 */
final class HttpOcspSource implements RevocationSource {
    static final URI NVIDIA_OCSP = URI.create("https://ocsp.ndis.nvidia.com/");
    static final int MAX_RESPONSE_BYTES = 64 * 1024;

    private final URI responder;
    private final HttpClient client;
    private final Duration timeout;
    private final Duration maxAge;

    HttpOcspSource(URI responder, Duration timeout, Duration maxAge) {
        this.responder = responder;
        this.timeout = timeout;
        this.maxAge = maxAge;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String check(X509Certificate cert, X509Certificate issuer, Instant at) {
        Optional<byte[]> nonce = Optional.of(Nonces.fresh());
        byte[] request = Ocsp.request(Ocsp.id(cert, issuer), nonce);
        HttpResponse<InputStream> response;
        try {
            response = client.send(HttpRequest.newBuilder(responder).timeout(timeout)
                    .header("Content-Type", "application/ocsp-request")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(request)).build(), BoundedBody.handler());
        } catch (IOException e) {
            throw new CheckFailed("the OCSP responder " + responder + " could not be reached: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckFailed("interrupted while asking the OCSP responder");
        }
        if (response.statusCode() != 200) {
            BoundedBody.discard(response);
            throw new CheckFailed("the OCSP responder " + responder + " answered HTTP " + response.statusCode());
        }
        byte[] body = BoundedBody.read(response, MAX_RESPONSE_BYTES, "the OCSP response from " + responder);
        return Ocsp.verify(body, cert, issuer, at, nonce, maxAge);
    }

    @Override
    public String description() {
        return "OCSP responder " + responder;
    }
}
