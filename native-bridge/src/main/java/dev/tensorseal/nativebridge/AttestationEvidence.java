package dev.tensorseal.nativebridge;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * GPU attestation evidence from NVML for a caller-chosen 32-byte nonce: the SPDM measurement report
 * and the device's certificate chains. core's {@code GpuAttestation} and
 * {@code KeyRelease.requireVerifiedAttestation} verify it (chain to NVIDIA's root, nonce, report
 * signature, measurements against NVIDIA's reference values); it can also be exported to NVIDIA's
 * NRAS.
 */
public final class AttestationEvidence {
    private final int deviceOrdinal;
    private final byte[] nonce;
    private final byte[] report;
    private final byte[] cecReport;
    private final byte[] certificateChain;
    private final byte[] attestationCertificateChain;

    AttestationEvidence(int deviceOrdinal, byte[] nonce, byte[] report, byte[] cecReport, byte[] certificateChain,
                        byte[] attestationCertificateChain) {
        this.deviceOrdinal = deviceOrdinal;
        this.nonce = nonce.clone();
        this.report = report.clone();
        this.cecReport = cecReport.clone();
        this.certificateChain = certificateChain.clone();
        this.attestationCertificateChain = attestationCertificateChain.clone();
    }

    public int deviceOrdinal() {
        return deviceOrdinal;
    }

    /** The nonce the report answers. */
    public byte[] nonce() {
        return nonce.clone();
    }

    /** The attestation report bytes (SPDM GET_MEASUREMENTS request and signed response). */
    public byte[] report() {
        return report.clone();
    }

    /** The CEC attestation report; empty when the GPU has none. */
    public byte[] cecReport() {
        return cecReport.clone();
    }

    /** The GPU certificate chain as NVML returns it. */
    public byte[] certificateChain() {
        return certificateChain.clone();
    }

    /** The attestation certificate chain as NVML returns it (what verifiers check the report against). */
    public byte[] attestationCertificateChain() {
        return attestationCertificateChain.clone();
    }

    /** The attestation certificate chain as PEM: returned as is when NVML gave PEM, else wrapped. */
    public String attestationCertificateChainPem() {
        return pem(attestationCertificateChain);
    }

    /** The report as a PEM-style block (label "NVIDIA GPU ATTESTATION REPORT") for text transports. */
    public String reportPem() {
        return wrap("NVIDIA GPU ATTESTATION REPORT", report);
    }

    static String pem(byte[] chain) {
        String text = new String(chain, StandardCharsets.US_ASCII);
        return text.startsWith("-----BEGIN") ? text.replace("\0", "") : wrap("CERTIFICATE", chain);
    }

    private static String wrap(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }

    @Override
    public String toString() {
        return "AttestationEvidence[device " + deviceOrdinal + ", report " + report.length + " bytes, certificate chain "
                + attestationCertificateChain.length + " bytes]";
    }
}
