package dev.tensorseal.internal.attestation;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.SignedInfo;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMSignContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.KeyInfoFactory;
import javax.xml.crypto.dsig.spec.C14NMethodParameterSpec;
import javax.xml.crypto.dsig.spec.TransformParameterSpec;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Writes RIMs the way NVIDIA signs theirs: a SWID tag with measurement resources, an enveloped XML
 * signature (ECDSA-SHA384, C14N 1.1, one reference to the whole document) whose KeyInfo carries the signing
 * chain, made with the JDK's {@code javax.xml.crypto.dsig}.
 */
final class RimSigner {
    /** One reference measurement: 0-based index, active flag, accepted digests. */
    record Measurement(int index, boolean active, List<byte[]> alternatives) {}

    private RimSigner() {}

    /** Reference measurements matching {@link ReportBuilder}'s default blocks {@code from..to} (1-based). */
    static List<Measurement> matching(int fromBlock, int toBlock) {
        List<Measurement> out = new ArrayList<>();
        for (int block = fromBlock; block <= toBlock; block++) {
            out.add(new Measurement(block - 1, true, List.of(new byte[48], ReportBuilder.digest(block))));
        }
        return out;
    }

    static byte[] sign(String version, List<Measurement> measurements, PrivateKey key, List<X509Certificate> chain) {
        try {
            Document doc = Rim.parser().newDocument();
            Element root = doc.createElementNS(Rim.SWID_NS, "SoftwareIdentity");
            root.setAttributeNS("http://www.w3.org/2000/xmlns/", "xmlns:ns2", Rim.SHA384_NS);
            root.setAttribute("name", "GH100");
            root.setAttribute("tagId", "test-" + version);
            root.setAttribute("version", "1.0");
            doc.appendChild(root);
            Element meta = doc.createElementNS(Rim.SWID_NS, "Meta");
            meta.setAttribute("colloquialVersion", version);
            meta.setAttribute("product", "GH100");
            root.appendChild(meta);
            Element payload = doc.createElementNS(Rim.SWID_NS, "Payload");
            root.appendChild(payload);
            for (Measurement m : measurements) {
                Element r = doc.createElementNS(Rim.SWID_NS, "Resource");
                r.setAttribute("type", "Measurement");
                r.setAttribute("index", Integer.toString(m.index()));
                r.setAttribute("active", m.active() ? "True" : "False");
                r.setAttribute("alternatives", Integer.toString(m.alternatives().size()));
                r.setAttribute("size", Integer.toString(m.alternatives().get(0).length));
                for (int j = 0; j < m.alternatives().size(); j++) {
                    r.setAttributeNS(Rim.SHA384_NS, "ns2:Hash" + j, HexFormat.of().formatHex(m.alternatives().get(j)));
                }
                payload.appendChild(r);
            }
            // Sign what a verifier will parse: a built DOM lacks the namespace declarations C14N reads.
            doc = Rim.parser().parse(new ByteArrayInputStream(serialize(doc)));
            root = doc.getDocumentElement();
            XMLSignatureFactory f = XMLSignatureFactory.getInstance("DOM");
            Reference ref = f.newReference("", f.newDigestMethod(DigestMethod.SHA384, null),
                    List.of(f.newTransform(Transform.ENVELOPED, (TransformParameterSpec) null),
                            f.newTransform(CanonicalizationMethod.INCLUSIVE_11, (TransformParameterSpec) null)), null, null);
            SignedInfo si = f.newSignedInfo(
                    f.newCanonicalizationMethod(CanonicalizationMethod.INCLUSIVE_11, (C14NMethodParameterSpec) null),
                    f.newSignatureMethod(SignatureMethod.ECDSA_SHA384, null), List.of(ref));
            KeyInfoFactory kif = f.getKeyInfoFactory();
            KeyInfo ki = kif.newKeyInfo(List.of(kif.newX509Data(new ArrayList<Object>(chain))));
            DOMSignContext context = new DOMSignContext(key, root);
            context.setDefaultNamespacePrefix("ds"); // as NVIDIA's RIMs are written
            f.newXMLSignature(si, ki).sign(context);
            return serialize(doc);
        } catch (Exception e) {
            throw new IllegalStateException("cannot sign the test RIM: " + e, e);
        }
    }

    private static byte[] serialize(Document doc) throws javax.xml.transform.TransformerException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TransformerFactory.newInstance().newTransformer().transform(new DOMSource(doc), new StreamResult(out));
        return out.toByteArray();
    }
}
