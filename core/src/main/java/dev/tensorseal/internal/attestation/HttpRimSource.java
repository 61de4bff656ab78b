package dev.tensorseal.internal.attestation;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RIMs from NVIDIA's RIM service ({@code GET <base>/<id>}, answered with JSON whose {@code rim} member is the
 * base64 SWID tag). What comes back is verified like any other RIM; the transport is not trusted.
 */
final class HttpRimSource implements RimSource {
    static final URI NVIDIA_RIM_SERVICE = URI.create("https://rim.attestation.nvidia.com/v1/rim/");
    private static final Pattern RIM_MEMBER = Pattern.compile("\"rim\"\\s*:\\s*\"([A-Za-z0-9+/=\\\\n\\s]*)\"");
    private static final int MAX_RESPONSE_BYTES = 4 * Rim.MAX_RIM_BYTES;

    private final URI base;
    private final HttpClient client;
    private final Duration timeout;

    HttpRimSource(URI base, Duration timeout) {
        this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public byte[] fetch(RimId id) {
        URI uri = base.resolve(id.serviceId());
        HttpResponse<byte[]> response;
        try {
            response = client.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new CheckFailed("fetching " + id + " from " + uri + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckFailed("interrupted while fetching " + id);
        }
        if (response.statusCode() != 200) {
            throw new CheckFailed("the RIM service answered HTTP " + response.statusCode() + " for " + id);
        }
        if (response.body().length > MAX_RESPONSE_BYTES) {
            throw new CheckFailed("the RIM service's answer for " + id + " is larger than " + MAX_RESPONSE_BYTES + " bytes");
        }
        Matcher m = RIM_MEMBER.matcher(new String(response.body(), StandardCharsets.UTF_8));
        if (!m.find()) {
            throw new CheckFailed("the RIM service's answer for " + id + " has no \"rim\" member");
        }
        try {
            return Base64.getMimeDecoder().decode(m.group(1).replace("\\n", ""));
        } catch (IllegalArgumentException e) {
            throw new CheckFailed("the RIM service's \"rim\" member for " + id + " is not base64");
        }
    }

    @Override
    public String description() {
        return "RIM service " + base;
    }
}
