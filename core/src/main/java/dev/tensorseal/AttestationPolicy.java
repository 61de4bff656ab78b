package dev.tensorseal;

import dev.tensorseal.internal.attestation.NvidiaRoots;
import java.net.URI;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What GPU attestation evidence must prove before a key is released ({@link KeyRelease#requireVerifiedAttestation})
 * or a report is accepted ({@link GpuAttestation}): the trusted roots, the instant certificates are checked
 * at, minimum driver and VBIOS versions, and where reference values (RIMs) and revocation status come from.
 *
 * <p>Defaults are the strict ones: NVIDIA's shipped Device Identity and RIM signing roots, the system clock,
 * RIMs fetched from NVIDIA's RIM service and revocation asked of NVIDIA's OCSP responder, both required.
 * Skipping RIMs or revocation takes an explicit {@link Builder#rimsNotChecked()} or
 * {@link Builder#revocationNotChecked()}, and the result then lists those checks as {@code NOT_CHECKED}.
 * Instances are immutable; every builder setter validates its argument.
 */
public final class AttestationPolicy {
    /** NVIDIA's RIM service. */
    public static final URI NVIDIA_RIM_SERVICE = URI.create("https://rim.attestation.nvidia.com/v1/rim/");
    /** NVIDIA's OCSP responder for device and RIM certificates. */
    public static final URI NVIDIA_OCSP_RESPONDER = URI.create("https://ocsp.ndis.nvidia.com/");

    private final List<X509Certificate> deviceRoots;
    private final List<X509Certificate> rimRoots;
    private final Clock clock;
    private final Optional<String> minimumDriverVersion;
    private final Optional<String> minimumVbiosVersion;
    private final boolean rimsRequired;
    private final List<Path> rimFiles;
    private final URI rimService;
    private final boolean revocationRequired;
    private final URI ocspResponder;
    private final List<byte[]> ocspResponses;
    private final Duration networkTimeout;

    private AttestationPolicy(Builder b) {
        this.deviceRoots = b.deviceRoots != null ? b.deviceRoots : NvidiaRoots.deviceIdentity();
        this.rimRoots = b.rimRoots != null ? b.rimRoots : NvidiaRoots.rimSigning();
        this.clock = b.clock;
        this.minimumDriverVersion = Optional.ofNullable(b.minimumDriverVersion);
        this.minimumVbiosVersion = Optional.ofNullable(b.minimumVbiosVersion);
        this.rimsRequired = b.rimsRequired;
        this.rimFiles = List.copyOf(b.rimFiles);
        this.rimService = b.rimService;
        this.revocationRequired = b.revocationRequired;
        this.ocspResponder = b.ocspResponder;
        this.ocspResponses = b.ocspResponses.stream().map(byte[]::clone).toList();
        this.networkTimeout = b.networkTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Roots a GPU attestation chain must end in. */
    public List<X509Certificate> deviceRoots() {
        return deviceRoots;
    }

    /** Roots a RIM's signing chain must end in. */
    public List<X509Certificate> rimRoots() {
        return rimRoots;
    }

    /** The instant certificates, RIM chains and OCSP responses are checked at. */
    public Instant now() {
        return clock.instant();
    }

    public Optional<String> minimumDriverVersion() {
        return minimumDriverVersion;
    }

    public Optional<String> minimumVbiosVersion() {
        return minimumVbiosVersion;
    }

    public boolean rimsRequired() {
        return rimsRequired;
    }

    /** RIM files given with {@link Builder#rimFiles}; when non-empty they are used instead of the RIM service. */
    public List<Path> rimFiles() {
        return rimFiles;
    }

    public URI rimService() {
        return rimService;
    }

    public boolean revocationRequired() {
        return revocationRequired;
    }

    public URI ocspResponder() {
        return ocspResponder;
    }

    /** DER OCSP responses given with {@link Builder#ocspResponses}; when non-empty no responder is asked. */
    public List<byte[]> ocspResponses() {
        return ocspResponses.stream().map(byte[]::clone).toList();
    }

    public Duration networkTimeout() {
        return networkTimeout;
    }

    /** Builds an {@link AttestationPolicy}; see the class comment for the defaults. */
    public static final class Builder {
        private List<X509Certificate> deviceRoots;
        private List<X509Certificate> rimRoots;
        private Clock clock = Clock.systemUTC();
        private String minimumDriverVersion;
        private String minimumVbiosVersion;
        private boolean rimsRequired = true;
        private final List<Path> rimFiles = new ArrayList<>();
        private URI rimService = NVIDIA_RIM_SERVICE;
        private boolean revocationRequired = true;
        private URI ocspResponder = NVIDIA_OCSP_RESPONDER;
        private final List<byte[]> ocspResponses = new ArrayList<>();
        private Duration networkTimeout = Duration.ofSeconds(10);

        private Builder() {}

        /** Trust these roots for GPU chains instead of NVIDIA's shipped Device Identity root. */
        public Builder deviceRoots(Collection<X509Certificate> roots) {
            this.deviceRoots = nonEmpty(roots, "deviceRoots");
            return this;
        }

        /** Trust these roots for RIM signing chains instead of NVIDIA's shipped RIM root. */
        public Builder rimRoots(Collection<X509Certificate> roots) {
            this.rimRoots = nonEmpty(roots, "rimRoots");
            return this;
        }

        /** Check validity against this clock (default: the system clock). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Check validity as of {@code instant}, e.g. when evidence is examined after the fact. */
        public Builder at(Instant instant) {
            return clock(Clock.fixed(Objects.requireNonNull(instant, "instant"), ZoneOffset.UTC));
        }

        /** Refuse reports whose driver version is below {@code version} (dotted decimal, e.g. {@code 550.90.07}). */
        public Builder minimumDriverVersion(String version) {
            this.minimumDriverVersion = dotted(version, "\\d{1,8}", "minimumDriverVersion", "dotted decimal, e.g. 550.90.07");
            return this;
        }

        /** Refuse reports whose VBIOS version is below {@code version} (dotted hex, e.g. {@code 96.00.9f.00.01}). */
        public Builder minimumVbiosVersion(String version) {
            this.minimumVbiosVersion = dotted(version, "[0-9a-fA-F]{1,8}", "minimumVbiosVersion", "dotted hex, e.g. 96.00.9f.00.01");
            return this;
        }

        /** Take driver and VBIOS RIMs from these files (offline) rather than the RIM service. */
        public Builder rimFiles(Collection<Path> files) {
            for (Path p : Objects.requireNonNull(files, "files")) {
                rimFiles.add(Objects.requireNonNull(p, "RIM file"));
            }
            this.rimsRequired = true;
            return this;
        }

        /** Fetch RIMs from this RIM service base URI (default {@link #NVIDIA_RIM_SERVICE}). */
        public Builder rimService(URI base) {
            this.rimService = http(base, "rimService");
            this.rimsRequired = true;
            return this;
        }

        /** Do not compare measurements with RIMs; the result lists the RIM checks as NOT_CHECKED. */
        public Builder rimsNotChecked() {
            this.rimsRequired = false;
            return this;
        }

        /** Ask this OCSP responder (default {@link #NVIDIA_OCSP_RESPONDER}). */
        public Builder ocspResponder(URI responder) {
            this.ocspResponder = http(responder, "ocspResponder");
            this.revocationRequired = true;
            return this;
        }

        /** Use these DER OCSP responses (offline) instead of asking a responder. */
        public Builder ocspResponses(Collection<byte[]> responses) {
            for (byte[] r : Objects.requireNonNull(responses, "responses")) {
                if (r == null || r.length == 0) {
                    throw new IllegalArgumentException("an OCSP response must not be empty");
                }
                ocspResponses.add(r.clone());
            }
            this.revocationRequired = true;
            return this;
        }

        /** Do not check revocation; the result lists the revocation checks as NOT_CHECKED. */
        public Builder revocationNotChecked() {
            this.revocationRequired = false;
            return this;
        }

        /** Connect and request timeout for the RIM service and OCSP responder (1 s to 5 min; default 10 s). */
        public Builder networkTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw new IllegalArgumentException("networkTimeout must be 1 s to 5 min, got " + timeout);
            }
            this.networkTimeout = timeout;
            return this;
        }

        public AttestationPolicy build() {
            return new AttestationPolicy(this);
        }

        private static List<X509Certificate> nonEmpty(Collection<X509Certificate> roots, String what) {
            List<X509Certificate> copy = List.copyOf(Objects.requireNonNull(roots, what));
            if (copy.isEmpty()) {
                throw new IllegalArgumentException(what + " must name at least one root certificate");
            }
            return copy;
        }

        private static String dotted(String version, String part, String what, String form) {
            Objects.requireNonNull(version, what);
            if (!version.matches(part + "(\\." + part + ")*")) {
                throw new IllegalArgumentException(what + " '" + version + "' is not " + form);
            }
            return version;
        }

        private static URI http(URI uri, String what) {
            Objects.requireNonNull(uri, what);
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                throw new IllegalArgumentException(what + " must be an http(s) URI, got " + uri);
            }
            return uri;
        }
    }
}
