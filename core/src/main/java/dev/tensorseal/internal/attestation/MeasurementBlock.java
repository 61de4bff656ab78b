package dev.tensorseal.internal.attestation;

/**
 * One DMTF measurement block of the MEASUREMENTS response: its SPDM index (1-based) and the digest. NVIDIA's
 * RIMs number measurements from 0, so block {@code index} is RIM measurement {@code index - 1}.
 */
record MeasurementBlock(int index, int valueType, byte[] value) {
    static final int DMTF_SPECIFICATION = 0x01;

    static MeasurementBlock parse(ByteReader in) {
        int index = in.u8("measurement block Index");
        if (index == 0 || index == 0xff) {
            throw new EvidenceFormatException("measurement block index " + index + " is reserved (allowed 1..254)");
        }
        int spec = in.u8("measurement block " + index + " MeasurementSpecification");
        if (spec != DMTF_SPECIFICATION) {
            throw new EvidenceFormatException(String.format(
                    "measurement block %d has specification 0x%02x, expected 0x01 (DMTF)", index, spec));
        }
        int size = in.u16("measurement block " + index + " MeasurementSize");
        ByteReader block = new ByteReader(in.bytes("measurement block " + index, size), "measurement block " + index);
        int type = block.u8("DMTFSpecMeasurementValueType");
        int valueSize = block.u16("DMTFSpecMeasurementValueSize");
        byte[] value = block.bytes("DMTFSpecMeasurementValue", valueSize);
        block.expectEnd();
        return new MeasurementBlock(index, type, value);
    }

    @Override
    public byte[] value() {
        return value.clone();
    }
}
