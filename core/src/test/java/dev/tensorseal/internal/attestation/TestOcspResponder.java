package dev.tensorseal.internal.attestation;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.ocsp.BasicOCSPResp;
import org.bouncycastle.cert.ocsp.BasicOCSPRespBuilder;
import org.bouncycastle.cert.ocsp.CertificateID;
import org.bouncycastle.cert.ocsp.CertificateStatus;
import org.bouncycastle.cert.ocsp.OCSPReq;
import org.bouncycastle.cert.ocsp.OCSPRespBuilder;
import org.bouncycastle.cert.ocsp.Req;
import org.bouncycastle.cert.ocsp.RespID;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

/**
 * An OCSP responder built in the test with Bouncy Castle's builders, served over a local
 * {@link HttpServer}: answers GOOD unless told otherwise per serial, signed by each certificate's issuer,
 * echoing the request nonce unless told not to.
 */
final class TestOcspResponder implements AutoCloseable {
    private final List<TestPki.Issued> issuers;
    private final Map<BigInteger, CertificateStatus> statuses = new ConcurrentHashMap<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    volatile boolean echoNonce = true;
    volatile PrivateKey signingKeyOverride;

    TestOcspResponder(List<TestPki.Issued> issuers) {
        this.issuers = issuers;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody(); OutputStream out = exchange.getResponseBody()) {
                byte[] answer = answer(new OCSPReq(in.readAllBytes()));
                exchange.getResponseHeaders().add("Content-Type", "application/ocsp-response");
                exchange.sendResponseHeaders(200, answer.length);
                out.write(answer);
            } catch (Exception e) {
                exchange.sendResponseHeaders(500, -1);
            }
        });
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    void set(X509Certificate cert, CertificateStatus status) {
        statuses.put(cert.getSerialNumber(), status);
    }

    int requests() {
        return requests.get();
    }

    /** A response for {@code cert}, as a supplied response file would hold (no nonce). */
    byte[] responseFor(X509Certificate cert, X509Certificate issuer) throws Exception {
        CertificateID id = Ocsp.id(cert, issuer);
        return build(id, null);
    }

    private byte[] answer(OCSPReq req) throws Exception {
        requests.incrementAndGet();
        Req[] list = req.getRequestList();
        Extension nonce = req.getExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nonce);
        return build(list[0].getCertID(), echoNonce ? nonce : null);
    }

    private byte[] build(CertificateID id, Extension nonce) throws Exception {
        TestPki.Issued issuer = issuers.stream().filter(i -> matches(id, i.cert())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no issuer for the requested certificate"));
        X509CertificateHolder holder = new JcaX509CertificateHolder(issuer.cert());
        BasicOCSPRespBuilder b = new BasicOCSPRespBuilder(new RespID(holder.getSubject()));
        Instant now = TestPki.NOW;
        b.addResponse(id, statuses.getOrDefault(id.getSerialNumber(), CertificateStatus.GOOD), Date.from(now.minus(1, ChronoUnit.HOURS)),
                Date.from(now.plus(7, ChronoUnit.DAYS)), null);
        if (nonce != null) {
            b.setResponseExtensions(new Extensions(nonce));
        }
        PrivateKey key = signingKeyOverride != null ? signingKeyOverride : issuer.keys().getPrivate();
        BasicOCSPResp basic = b.build(new JcaContentSignerBuilder("SHA384withECDSA").build(key), null, Date.from(now));
        return new OCSPRespBuilder().build(OCSPRespBuilder.SUCCESSFUL, basic).getEncoded();
    }

    private static boolean matches(CertificateID id, X509Certificate issuer) {
        try {
            return id.matchesIssuer(new JcaX509CertificateHolder(issuer), new JcaDigestCalculatorProviderBuilder().build());
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
