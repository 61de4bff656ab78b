package dev.tensorseal.s3;

import dev.tensorseal.RemoteObject;
import dev.tensorseal.RemoteOptions;
import dev.tensorseal.RemoteStorage;
import dev.tensorseal.TensorSealException;
import dev.tensorseal.UnsupportedParameterException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.function.LongConsumer;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/**
 * {@code s3://bucket/key} through the AWS SDK for Java v2's S3 client. Credentials come from the SDK's default
 * provider chain (environment, system properties, profile, container and instance roles) and are never logged or
 * put in a message. Found by core through {@link java.util.ServiceLoader}; configured there from
 * {@code tensorseal.s3.region}, {@code tensorseal.s3.endpoint} and {@code tensorseal.s3.pathStyle} (system
 * properties, or the environment variables {@code TENSORSEAL_S3_REGION}, {@code TENSORSEAL_S3_ENDPOINT},
 * {@code TENSORSEAL_S3_PATH_STYLE}); the region otherwise from the SDK's region chain. Or built with
 * {@link #builder()} and passed as {@link RemoteOptions.Builder#storage}.
 *
 * <p>The SDK's own retries are off: tensorseal's bounded retry policy ({@link RemoteOptions}) is the only one.
 */
public final class S3Storage implements RemoteStorage {
    /** Multipart uploads use parts of this size unless built otherwise (S3's minimum is 5 MiB, the last part excepted). */
    public static final long DEFAULT_PART_BYTES = 16L << 20;

    private final Builder settings;
    private volatile S3Client client;

    /** As configured by system properties and the environment (the ServiceLoader's way in). */
    public S3Storage() {
        this(fromEnvironment());
    }

    private S3Storage(Builder settings) {
        this.settings = settings;
        this.client = settings.client;
    }

    public static Builder builder() {
        return new Builder();
    }

    private static Builder fromEnvironment() {
        Builder b = new Builder();
        String region = setting("tensorseal.s3.region", "TENSORSEAL_S3_REGION");
        String endpoint = setting("tensorseal.s3.endpoint", "TENSORSEAL_S3_ENDPOINT");
        String pathStyle = setting("tensorseal.s3.pathStyle", "TENSORSEAL_S3_PATH_STYLE");
        if (region != null) {
            b.region(region);
        }
        if (endpoint != null) {
            b.endpointOverride(URI.create(endpoint));
        }
        b.pathStyle(Boolean.parseBoolean(pathStyle));
        return b;
    }

    private static String setting(String property, String variable) {
        String v = System.getProperty(property);
        return v != null ? v : System.getenv(variable);
    }

    @Override
    public boolean supports(URI uri) {
        return "s3".equals(String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT));
    }

    @Override
    public RemoteObject open(URI uri, RemoteOptions options, int headBytes) throws IOException {
        return S3RangeObject.open(client(options), S3Location.of(uri), headBytes);
    }

    @Override
    public void upload(Path file, URI uri, RemoteOptions options, boolean replace, LongConsumer progressBytes) throws IOException {
        new MultipartUpload(client(options), S3Location.of(uri), settings.partBytes).upload(file, replace, progressBytes);
    }

    private S3Client client(RemoteOptions options) {
        S3Client c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = build(options);
                }
                c = client;
            }
        }
        return c;
    }

    private S3Client build(RemoteOptions options) {
        URI endpoint = settings.endpoint;
        if (endpoint != null && "http".equalsIgnoreCase(endpoint.getScheme()) && !options.allowPlainHttp()
                && !isLoopback(endpoint.getHost())) {
            throw new UnsupportedParameterException("plain http to S3 endpoint " + endpoint.getHost()
                    + " is refused (use https, or allow plain http explicitly for a trusted network)");
        }
        Region region;
        try {
            region = settings.region != null ? Region.of(settings.region) : new DefaultAwsRegionProviderChain().getRegion();
        } catch (RuntimeException e) {
            throw new TensorSealException("no AWS region configured: set AWS_REGION or tensorseal.s3.region");
        }
        var b = S3Client.builder().region(region).credentialsProvider(DefaultCredentialsProvider.builder().build())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(settings.pathStyle).build())
                // Checksums only where S3 requires them: S3-compatible servers differ in which trailing checksums they take.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(options.idleTimeout().multipliedBy(4)));
        if (endpoint != null) {
            b.endpointOverride(endpoint);
        }
        return b.build();
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (h.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return InetAddress.ofLiteral(h).isLoopbackAddress();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Settings for an {@link S3Storage}; each setter checks its argument. */
    public static final class Builder {
        private String region;
        private URI endpoint;
        private boolean pathStyle;
        private long partBytes = DEFAULT_PART_BYTES;
        private S3Client client;

        private Builder() {}

        /** The AWS region ({@code us-east-1}); default: the SDK's region chain. */
        public Builder region(String name) {
            if (name.isBlank()) {
                throw new UnsupportedParameterException("an S3 region name is not blank");
            }
            this.region = name;
            return this;
        }

        /** An S3-compatible server's endpoint ({@code https://minio.internal:9000}). */
        public Builder endpointOverride(URI uri) {
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new UnsupportedParameterException("an S3 endpoint is a URI with a scheme and a host, not " + uri);
            }
            this.endpoint = uri;
            return this;
        }

        /** Path-style addressing ({@code endpoint/bucket/key}), which most S3-compatible servers need. */
        public Builder pathStyle(boolean enabled) {
            this.pathStyle = enabled;
            return this;
        }

        /** Multipart part size for uploads, 5 MiB to 5 GiB. */
        public Builder partBytes(long bytes) {
            if (bytes < (5L << 20) || bytes > (5L << 30)) {
                throw new UnsupportedParameterException("part size " + bytes + " bytes is outside [5 MiB, 5 GiB]");
            }
            this.partBytes = bytes;
            return this;
        }

        /** A client built by the caller (its own credentials, interceptors, HTTP client); the settings above are then unused. */
        public Builder client(S3Client s3) {
            this.client = Objects.requireNonNull(s3, "s3");
            return this;
        }

        public S3Storage build() {
            Builder copy = new Builder();
            copy.region = region;
            copy.endpoint = endpoint;
            copy.pathStyle = pathStyle;
            copy.partBytes = partBytes;
            copy.client = client;
            return new S3Storage(copy);
        }
    }
}
