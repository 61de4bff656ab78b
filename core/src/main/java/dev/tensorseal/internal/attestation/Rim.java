package dev.tensorseal.internal.attestation;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A reference integrity manifest as NVIDIA publishes it: an ISO/IEC 19770-2 SWID tag whose payload lists
 * measurements by index ({@code Resource type="Measurement" index active alternatives size} with
 * {@code Hash0..HashN-1} in the xmlenc#sha384 namespace), enveloped in an XML signature whose KeyInfo holds
 * the signer's certificate chain. Parsing does not verify anything; {@link RimVerifier} does, on the same
 * parsed document.
 */
final class Rim {
    static final String SWID_NS = "http://standards.iso.org/iso/19770/-2/2015/schema.xsd";
    static final String SHA384_NS = "http://www.w3.org/2001/04/xmlenc#sha384";
    static final String DSIG_NS = "http://www.w3.org/2000/09/xmldsig#";
    static final int MAX_RIM_BYTES = 1 << 20;
    private static final int MAX_ALTERNATIVES = 16;

    private final Document document;
    private final String version;
    private final String product;
    private final Map<Integer, GoldenMeasurement> measurements;
    private final List<X509Certificate> chain;

    private Rim(Document document, String version, String product, Map<Integer, GoldenMeasurement> measurements,
                List<X509Certificate> chain) {
        this.document = document;
        this.version = version;
        this.product = product;
        this.measurements = measurements;
        this.chain = chain;
    }

    static Rim parse(byte[] xml, String what) {
        if (xml.length > MAX_RIM_BYTES) {
            throw new EvidenceFormatException(what + " is " + xml.length + " bytes, more than " + MAX_RIM_BYTES);
        }
        Document doc;
        try {
            doc = parser().parse(new ByteArrayInputStream(xml));
        } catch (SAXException | IOException e) {
            throw new EvidenceFormatException(what + " is not well-formed XML: " + e.getMessage(), e);
        }
        Element root = doc.getDocumentElement();
        if (!SWID_NS.equals(root.getNamespaceURI()) || !"SoftwareIdentity".equals(root.getLocalName())) {
            throw new EvidenceFormatException(what + " is not a SWID tag (root element " + root.getTagName() + ")");
        }
        Element meta = single(root, SWID_NS, "Meta", what);
        String version = meta.getAttribute("colloquialVersion");
        if (version.isEmpty()) {
            throw new EvidenceFormatException(what + ": Meta has no colloquialVersion");
        }
        Map<Integer, GoldenMeasurement> measurements = new TreeMap<>();
        NodeList resources = root.getElementsByTagNameNS(SWID_NS, "Resource");
        for (int i = 0; i < resources.getLength(); i++) {
            Element r = (Element) resources.item(i);
            if ("Measurement".equals(r.getAttribute("type"))) {
                // The enveloped signature leaves its own subtree unsigned: a measurement anywhere but the
                // payload could be added by anyone (signature wrapping).
                if (!(r.getParentNode() instanceof Element p) || !SWID_NS.equals(p.getNamespaceURI())
                        || !"Payload".equals(p.getLocalName()) || p.getParentNode() != root) {
                    throw new EvidenceFormatException(what + ": a measurement lies outside SoftwareIdentity/Payload");
                }
                GoldenMeasurement m = measurement(r, what);
                if (measurements.put(m.index(), m) != null) {
                    throw new EvidenceFormatException(what + ": measurement index " + m.index() + " appears twice");
                }
            }
        }
        if (measurements.isEmpty()) {
            throw new EvidenceFormatException(what + " has no measurements");
        }
        return new Rim(doc, version, meta.getAttribute("product"), Collections.unmodifiableMap(measurements),
                certificates(root, what));
    }

    private static GoldenMeasurement measurement(Element r, String what) {
        int index = number(r, "index", 0, 254, what);
        String active = r.getAttribute("active");
        if (!active.equalsIgnoreCase("true") && !active.equalsIgnoreCase("false")) {
            throw new EvidenceFormatException(what + ": measurement " + index + " has active='" + active + "'");
        }
        int count = number(r, "alternatives", 1, MAX_ALTERNATIVES, what);
        int size = number(r, "size", 1, 64, what);
        List<byte[]> alternatives = new ArrayList<>();
        for (int j = 0; j < count; j++) {
            String hex = r.getAttributeNS(SHA384_NS, "Hash" + j);
            try {
                alternatives.add(HexFormat.of().parseHex(hex));
            } catch (IllegalArgumentException e) {
                throw new EvidenceFormatException(what + ": measurement " + index + " Hash" + j + " is not hex");
            }
            if (alternatives.get(j).length != size) {
                throw new EvidenceFormatException(what + ": measurement " + index + " Hash" + j + " is "
                        + alternatives.get(j).length + " bytes, size says " + size);
            }
        }
        return new GoldenMeasurement(index, active.equalsIgnoreCase("true"), size, alternatives);
    }

    private static int number(Element r, String attribute, int min, int max, String what) {
        String text = r.getAttribute(attribute);
        try {
            int v = Integer.parseInt(text);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new EvidenceFormatException(what + ": measurement " + attribute + "='" + text + "' (allowed " + min + ".." + max + ")");
    }

    private static List<X509Certificate> certificates(Element root, String what) {
        NodeList nodes = root.getElementsByTagNameNS(DSIG_NS, "X509Certificate");
        if (nodes.getLength() == 0) {
            throw new EvidenceFormatException(what + " has no signing certificate in its signature's KeyInfo");
        }
        if (nodes.getLength() > Pem.MAX_CERTIFICATES) {
            throw new EvidenceFormatException(what + " embeds more than " + Pem.MAX_CERTIFICATES + " certificates");
        }
        List<X509Certificate> certs = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            byte[] der;
            try {
                der = Base64.getMimeDecoder().decode(nodes.item(i).getTextContent());
            } catch (IllegalArgumentException e) {
                throw new EvidenceFormatException(what + ": embedded certificate " + i + " is not base64");
            }
            certs.add(Pem.certificate(der, what + " embedded certificate " + i));
        }
        return List.copyOf(certs);
    }

    private static Element single(Element parent, String ns, String name, String what) {
        NodeList nodes = parent.getElementsByTagNameNS(ns, name);
        if (nodes.getLength() != 1) {
            throw new EvidenceFormatException(what + " has " + nodes.getLength() + " " + name + " elements, expected 1");
        }
        return (Element) nodes.item(0);
    }

    /** A namespace-aware parser that refuses DTDs, so no entity expansion or external fetch can happen. */
    static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new DefaultHandler()); // fatal errors throw; nothing is printed
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK XML parser lacks secure-processing features", e);
        }
    }

    Document document() {
        return document;
    }

    /** The version the RIM is for: a driver version or a VBIOS version ({@code Meta colloquialVersion}). */
    String version() {
        return version;
    }

    String product() {
        return product;
    }

    /** Measurements by 0-based index. */
    Map<Integer, GoldenMeasurement> measurements() {
        return measurements;
    }

    /** The signer's chain from KeyInfo, leaf first. */
    List<X509Certificate> chain() {
        return chain;
    }
}
