package dev.tensorseal;

/** A child JVM's main for ProtectionTest: builds two stores with default settings and prints their protection. */
public final class ProtectionProbe {
    private ProtectionProbe() {}

    public static void main(String[] args) {
        for (int i = 0; i < 2; i++) {
            try (KeySource key = KeySource.bytes(StoreFixtures.keyBytes(i));
                    TensorStore store = TensorStore.builder().keySource(key).build()) {
                store.put("w", new float[] {1, 2, 3, 4}, 4);
                try (TensorView v = store.read("w")) {
                    if (v.getFloat(3) != 4) {
                        throw new AssertionError("wrong plaintext");
                    }
                }
                Protection p = store.protection();
                System.out.println("protection: engine=" + p.engine() + " offHeap=" + p.engineOffHeap() + " hardened="
                        + p.hardenedMemory() + " locked=" + p.locked() + " reasons=" + p.reasons().size());
                System.out.println("summary: " + p.summary());
            }
        }
    }
}
