package dev.tensorseal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HumanTest {
    @Test
    void sizesInDecimalUnitsWithThreeSignificantDigits() {
        assertEquals("1.07 GB", Human.bytes(1L << 30));
        assertEquals("8.39 MB", Human.bytes(8L << 20));
        assertEquals("999 B", Human.bytes(999));
        assertEquals("1.00 kB", Human.bytes(1000));
        assertEquals("68.7 GB", Human.bytes(64L << 30));
    }

    @Test
    void ratesInGigabytesOrMegabytesASecond() {
        assertEquals("9.93 GB/s", Human.rate(9.93));
        assertEquals("148 GB/s", Human.rate(148.46));
        assertEquals("341 MB/s", Human.rate(0.341));
        assertEquals("1.00 GB/s", Human.rate(0.9996)); // rounds up to the next unit, never "1000 MB/s"
        assertEquals("12.0 kB/s", Human.rate(12e-6));
    }

    @Test
    void timesAndRatios() {
        assertEquals("12.3 us", Human.micros(12.34));
        assertEquals("1.50 ms", Human.micros(1500));
        assertEquals("2.00 s", Human.micros(2e6));
        assertEquals("0.93x", Human.ratio(0.9312));
    }
}
