package dev.tensorseal.internal.remote;

import dev.tensorseal.RemoteObject;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.RemoteStorage;
import dev.tensorseal.UnsupportedParameterException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Locale;

/**
 * {@code https://} (and {@code http://}: loopback hosts only unless {@link RemoteOptions#allowPlainHttp()}) through
 * the JDK's {@link HttpClient}: one client per opened object, HTTP/1.1 (a connection per request in flight),
 * redirects not followed (a redirect could send the reader, and the If-Match pin, to another host).
 */
public final class HttpStorage implements RemoteStorage {
    @Override
    public boolean supports(URI uri) {
        String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
        return scheme.equals("https") || scheme.equals("http");
    }

    @Override
    public RemoteObject open(URI uri, RemoteOptions options, int headBytes) throws IOException {
        if (uri.getHost() == null) {
            throw new UnsupportedParameterException(HttpRangeObject.nameOf(uri) + ": the URI has no host");
        }
        if (uri.getScheme().equalsIgnoreCase("http") && !options.allowPlainHttp() && !isLoopback(uri.getHost())) {
            throw new UnsupportedParameterException(HttpRangeObject.nameOf(uri) + ": plain http is refused for host "
                    + uri.getHost() + " (use https, or allow plain http explicitly for a trusted network)");
        }
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(options.idleTimeout());
        options.tls().ifPresent(b::sslContext);
        return HttpRangeObject.open(b.build(), uri, options, headBytes);
    }

    /** {@code localhost} or a loopback address literal; other names are not resolved (DNS could say anything). */
    static boolean isLoopback(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return InetAddress.ofLiteral(h).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false; // a name, not an address
        }
    }
}
