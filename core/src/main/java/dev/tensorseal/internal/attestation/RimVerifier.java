package dev.tensorseal.internal.attestation;

import java.security.Key;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import javax.xml.crypto.AlgorithmMethod;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.KeySelectorResult;
import javax.xml.crypto.MarshalException;
import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.dsig.CanonicalizationMethod;
import javax.xml.crypto.dsig.DigestMethod;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.SignatureMethod;
import javax.xml.crypto.dsig.Transform;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureException;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import org.w3c.dom.NodeList;

/**
 * Verifies a RIM's enveloped XML signature with the JDK's {@code javax.xml.crypto.dsig} (secure validation
 * on): exactly one signature, ECDSA-SHA384, canonicalized with C14N 1.1, one reference to the whole
 * document ({@code URI=""}, enveloped-signature then C14N 1.1 transforms, SHA-384 digest), made with the
 * key of the first certificate in KeyInfo; then that embedded chain up to a trusted RIM root.
 * Anything else is refused, so a signature over some other part of the document (wrapping) cannot pass.
 */
final class RimVerifier {
    private RimVerifier() {}

    static ChainVerifier.Verified verify(Rim rim, List<X509Certificate> roots, Instant at) {
        NodeList signatures = rim.document().getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
        if (signatures.getLength() != 1) {
            throw new CheckFailed("the RIM has " + signatures.getLength() + " XML signatures, expected 1");
        }
        if (signatures.item(0).getParentNode() != rim.document().getDocumentElement()) {
            throw new CheckFailed("the RIM's signature is not a child of the SoftwareIdentity element");
        }
        X509Certificate signer = rim.chain().get(0);
        DOMValidateContext context = new DOMValidateContext(new FixedKey(signer), signatures.item(0));
        context.setProperty("org.jcp.xml.dsig.secureValidation", Boolean.TRUE);
        boolean valid;
        try {
            XMLSignature signature = XMLSignatureFactory.getInstance("DOM").unmarshalXMLSignature(context);
            expectAlgorithms(signature);
            valid = signature.validate(context);
        } catch (MarshalException | XMLSignatureException e) {
            throw new CheckFailed("the RIM's XML signature cannot be checked: " + e.getMessage());
        }
        if (!valid) {
            throw new CheckFailed("the RIM's XML signature does not verify (content or signature changed)");
        }
        ChainVerifier.Verified chain = ChainVerifier.verify(rim.chain(), roots, at);
        return new ChainVerifier.Verified(chain.withRoot(), "ECDSA-SHA384 XML signature by '" + ChainVerifier.name(signer)
                + "' verifies; chain: " + chain.reason());
    }

    private static void expectAlgorithms(XMLSignature signature) {
        var info = signature.getSignedInfo();
        require(SignatureMethod.ECDSA_SHA384, info.getSignatureMethod().getAlgorithm(), "signature method");
        require(CanonicalizationMethod.INCLUSIVE_11, info.getCanonicalizationMethod().getAlgorithm(), "canonicalization");
        List<?> refs = info.getReferences();
        if (refs.size() != 1) {
            throw new CheckFailed("the RIM's signature has " + refs.size() + " references, expected 1");
        }
        Reference ref = (Reference) refs.get(0);
        if (!"".equals(ref.getURI())) {
            throw new CheckFailed("the RIM's signature covers URI '" + ref.getURI() + "', not the whole document");
        }
        require(DigestMethod.SHA384, ref.getDigestMethod().getAlgorithm(), "digest method");
        List<?> transforms = ref.getTransforms();
        if (transforms.size() != 2) {
            throw new CheckFailed("the RIM's signature reference has " + transforms.size() + " transforms, expected 2");
        }
        require(Transform.ENVELOPED, ((Transform) transforms.get(0)).getAlgorithm(), "first transform");
        require(CanonicalizationMethod.INCLUSIVE_11, ((Transform) transforms.get(1)).getAlgorithm(), "second transform");
    }

    private static void require(String expected, String actual, String what) {
        if (!expected.equals(actual)) {
            throw new CheckFailed("the RIM's " + what + " is " + actual + ", expected " + expected);
        }
    }

    /** Gives the validator the embedded leaf's key and nothing else: the chain check decides whether to trust it. */
    private static final class FixedKey extends KeySelector {
        private final X509Certificate signer;

        FixedKey(X509Certificate signer) {
            this.signer = signer;
        }

        @Override
        public KeySelectorResult select(KeyInfo keyInfo, Purpose purpose, AlgorithmMethod method, XMLCryptoContext context) {
            Key key = signer.getPublicKey();
            return () -> key;
        }
    }
}
